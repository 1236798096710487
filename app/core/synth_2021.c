/*
 * Answer shares for synthetic waves, near the 2021 report's figures as
 * the project's research notes quote them (questionnaire-2021.md, kept
 * with the product specification, not in this repository; the line of
 * that file is named at each, so the source can be checked). Pairs of (code, weight); weights are per
 * mille of those who answer the item. Where the report gives only
 * "agree" the split between "helt" and "delvis" is ours, and so is the
 * rest of any scale the report leaves out. The comparison wave
 * (earlier = 1) takes the 2020 figure where the report gives one and
 * the 2021 shares otherwise. For a multiple choice the weight is each
 * option's own chance.
 */
#include <stddef.h>
#include <string.h>

#include "synth.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]) / 2)
#define S(var, earlier, a)	{ var, earlier, a, N(a) }

/* l. 730: telefon / skriftlig / video "i høy eller noen grad" 86/68/26 %,
 * video "ikke i det hele tatt" 48 %. */
static const int q3_1_tel[] = { 1, 560, 2, 300, 3, 90, 4, 30, 9, 20 };
static const int q3_1_skr[] = { 1, 380, 2, 300, 3, 170, 4, 120, 9, 30 };
static const int q3_1_vid[] = { 1, 90, 2, 170, 3, 230, 4, 480, 9, 30 };
/* l. 731: ja 22 %, nei 76 %; 23 % in 2020. */
static const int q3_2[] = { 1, 220, 2, 760, 9, 20 };
static const int q3_2_20[] = { 1, 230, 2, 750, 9, 20 };
/* l. 732: 53 % løst, 37 % måtte møte fysisk. */
static const int q3_3[] = { 1, 530, 2, 370, 9, 100 };
/* l. 733: fornøyd 55 % (2021), 59 % (2020); nearly 1 in 3 verken or
 * vet ikke. */
static const int q3_4[] = { 1, 200, 2, 350, 3, 200, 4, 80, 5, 40, 9, 130 };
static const int q3_4_20[] = { 1, 220, 2, 370, 3, 190, 4, 70, 5, 30, 9,
	120 };
/* l. 735: 72 % could not have been replaced; videosamtale 11 %. */
static const int q3_8[] = { 1, 110, 2, 90, 3, 50, 4, 720, 9, 30 };
/* l. 736: enig 62 % (i tillegg) and 21 % (i stedet). */
static const int q3_10_till[] = { 1, 300, 2, 320, 3, 150, 4, 100, 9, 130 };
static const int q3_10_iste[] = { 1, 60, 2, 150, 3, 280, 4, 380, 9, 130 };
/* l. 737: enig / uenig / verken + vet ikke 71/5/24, 63/7/30, 58/13/29. */
static const int q3_11_inv[] = { 1, 380, 2, 330, 3, 170, 4, 30, 5, 20, 9,
	70 };
static const int q3_11_try[] = { 1, 300, 2, 330, 3, 210, 4, 50, 5, 20, 9,
	90 };
static const int q3_11_beh[] = { 1, 250, 2, 330, 3, 200, 4, 90, 5, 40, 9,
	90 };
/* l. 738: "stor tillit" 84 % and 72 %. */
static const int q3_12[] = { 1, 450, 2, 390, 3, 90, 4, 30, 9, 40 };
static const int q3_13[] = { 1, 330, 2, 390, 3, 150, 4, 50, 9, 80 };
/* l. 739: "8 av 10" god, 2 % dårlig. */
static const int q3_15[] = { 1, 300, 2, 500, 3, 110, 4, 15, 5, 5, 9, 70 };
/* l. 740: enig 41 %, uenig 51 %. */
static const int q3_16[] = { 1, 150, 2, 260, 3, 270, 4, 240, 9, 80 };
/* l. 741: 50 % i liten grad, 1 of 4 i stor grad, vet ikke 10 %. */
static const int q3_18[] = { 1, 250, 2, 150, 3, 500, 9, 100 };
/* l. 747: tekniske 55 %, juridiske 42 % (each option's chance). */
static const int q3_19[] = { 1, 550, 2, 420, 8, 60, 9, 60 };
/* l. 742: pasient promoters 36 %, detractors 29 % (NPS 7), NPS 2 in
 * 2020; kollega 45 % and 23 % (NPS 22), NPS 10 in 2020. */
static const int q3_20[] = { 0, 30, 1, 15, 2, 20, 3, 30, 4, 30, 5, 90, 6,
	75, 7, 150, 8, 200, 9, 160, 10, 200 };
static const int q3_20_20[] = { 0, 35, 1, 15, 2, 25, 3, 30, 4, 35, 5, 95,
	6, 75, 7, 160, 8, 200, 9, 140, 10, 190 };
static const int q3_22[] = { 0, 20, 1, 10, 2, 15, 3, 20, 4, 25, 5, 70, 6,
	70, 7, 140, 8, 180, 9, 190, 10, 260 };
static const int q3_22_20[] = { 0, 25, 1, 15, 2, 20, 3, 30, 4, 30, 5, 90,
	6, 90, 7, 160, 8, 140, 9, 170, 10, 230 };
/* l. 743 and 369-371: EPJ items 65 %, "6 av 10", 56 % enig; fornøyd
 * 42 % (49 % in 2020). */
static const int q3_23_fin[] = { 1, 250, 2, 400, 3, 130, 4, 80, 9, 140 };
static const int q3_23_kva[] = { 1, 220, 2, 380, 3, 120, 4, 60, 9, 220 };
static const int q3_23_eff[] = { 1, 200, 2, 360, 3, 160, 4, 100, 9, 180 };
static const int q3_24[] = { 1, 100, 2, 320, 3, 250, 4, 170, 5, 90, 9,
	70 };
static const int q3_24_20[] = { 1, 120, 2, 370, 3, 230, 4, 150, 5, 70, 9,
	60 };
/* l. 748: 35 % ja (45 % in 2020). */
static const int q3_25[] = { 1, 350, 2, 480, 9, 170 };
static const int q3_25_20[] = { 1, 450, 2, 400, 9, 150 };
/* l. 749: ofte or ganske ofte 10 %, sjelden or aldri 61 %, aldri 33 %. */
static const int q3_26[] = { 1, 40, 2, 60, 3, 190, 4, 280, 5, 330, 9, 100 };
/* l. 750: 59 % and 47 % enig; vet ikke 16 % and 28 %. */
static const int q3_27_kom[] = { 1, 250, 2, 340, 3, 150, 4, 100, 9, 160 };
static const int q3_27_kon[] = { 1, 180, 2, 290, 3, 140, 4, 110, 9, 280 };
/* l. 751: sikker 84 %, enkel 76 %. */
static const int q3_29_sik[] = { 1, 500, 2, 340, 3, 70, 4, 30, 9, 60 };
static const int q3_29_enk[] = { 1, 400, 2, 360, 3, 130, 4, 50, 9, 60 };
/* l. 744: fornøyd 55 % (2021), 46 % (2020); misfornøyd 9 %. */
static const int q3_30[] = { 1, 120, 2, 430, 3, 250, 4, 70, 5, 20, 9, 110 };
static const int q3_30_20[] = { 1, 90, 2, 370, 3, 280, 4, 100, 5, 30, 9,
	130 };
/* l. 752: 23 / 21 / 56 %. */
static const int q3_32[] = { 1, 230, 2, 210, 9, 560 };
/* l. 565-577: yrkesgruppe 2021 (fysio/ergo split evenly; "Annet" 9 %
 * split over the groups the table lacks). */
static const int b3[] = { 1, 10, 2, 20, 3, 40, 4, 30, 5, 30, 6, 70, 7, 20,
	8, 50, 9, 10, 10, 150, 11, 30, 12, 10, 13, 30, 14, 30, 15, 370, 16,
	50, 98, 40 };
/* l. 582: kvinne 74 %, mann 24 %. */
static const int b4[] = { 1, 755, 2, 245 };
/* l. 608: somatikk 73 %, psykisk helse 21 %, vet ikke 5 %. */
static const int b6[] = { 1, 740, 2, 210, 9, 50 };
/* l. 613: 14 / 11 / 73 / 1 %. */
static const int b7[] = { 1, 140, 2, 110, 3, 735, 4, 15 };

static const struct synth_share shares[] = {
	S("Q3_1.telefon", 0, q3_1_tel),
	S("Q3_1.skriftlig", 0, q3_1_skr),
	S("Q3_1.video", 0, q3_1_vid),
	S("Q3_2", 0, q3_2),
	S("Q3_2", 1, q3_2_20),
	S("Q3_3", 0, q3_3),
	S("Q3_4", 0, q3_4),
	S("Q3_4", 1, q3_4_20),
	S("Q3_8", 0, q3_8),
	S("Q3_10.tillegg", 0, q3_10_till),
	S("Q3_10.istedet", 0, q3_10_iste),
	S("Q3_11.involvert", 0, q3_11_inv),
	S("Q3_11.trygghet", 0, q3_11_try),
	S("Q3_11.behov", 0, q3_11_beh),
	S("Q3_12", 0, q3_12),
	S("Q3_13", 0, q3_13),
	S("Q3_15", 0, q3_15),
	S("Q3_16", 0, q3_16),
	S("Q3_18", 0, q3_18),
	S("Q3_19", 0, q3_19),
	S("Q3_20", 0, q3_20),
	S("Q3_20", 1, q3_20_20),
	S("Q3_22", 0, q3_22),
	S("Q3_22", 1, q3_22_20),
	S("Q3_23.finne", 0, q3_23_fin),
	S("Q3_23.kvalitet", 0, q3_23_kva),
	S("Q3_23.effektivt", 0, q3_23_eff),
	S("Q3_24", 0, q3_24),
	S("Q3_24", 1, q3_24_20),
	S("Q3_25", 0, q3_25),
	S("Q3_25", 1, q3_25_20),
	S("Q3_26", 0, q3_26),
	S("Q3_27.kommunisere", 0, q3_27_kom),
	S("Q3_27.kontakt", 0, q3_27_kon),
	S("Q3_29.sikker", 0, q3_29_sik),
	S("Q3_29.enkel", 0, q3_29_enk),
	S("Q3_30", 0, q3_30),
	S("Q3_30", 1, q3_30_20),
	S("Q3_32", 0, q3_32),
	S("B3", 0, b3),
	S("B4", 0, b4),
	S("B6", 0, b6),
	S("B7", 0, b7),
};

/* The shares of `var` for the wave asked for, else the 2021 ones. */
const struct synth_share *
synth_share_find(const char *var, int earlier)
{
	const struct synth_share	*found = NULL;
	size_t				 i;

	for (i = 0; i < sizeof(shares) / sizeof(shares[0]); i++) {
		if (strcmp(shares[i].var, var) != 0)
			continue;
		if (shares[i].earlier == earlier)
			return (&shares[i]);
		if (shares[i].earlier == 0)
			found = &shares[i];
	}
	return (found);
}
