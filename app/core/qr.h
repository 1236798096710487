/* QR codes (libqrencode) drawn as SVG, for TOTP enrolment and posters. */
#ifndef SVAR_QR_H
#define SVAR_QR_H

#include "buf.h"

int	 qr_svg(const char *, const char *, struct buf *);

#endif
