/* A small survey with every item type and routing, shared by tests. */
#ifndef SVAR_FIXTURE_H
#define SVAR_FIXTURE_H

#define FIXTURE \
	"survey fx\nwave 2021\ntitle \"Fx\"\n" \
	"hidden B1 \"Versjon\"\n value 1 hf \"HF\"\n value 2 kommune \"K\"\n" \
	"scale S\n option 1 \"Høy\"\n option 2 \"Lav\"\n option 9 \"Vet ikke\" dontknow\n" \
	"page p1 \"En\"\n" \
	"single Q1\n text \"Video?\"\n option 1 \"Ja\"\n option 2 \"Nei\"\n option 9 \"Vet ikke\" dontknow\n" \
	"grid G scale S\n text \"Grid\"\n row a \"A\"\n row b \"B\"\n" \
	"page p2 \"To\"\n" \
	"single Q2\n text \"Follow-up\"\n option 1 \"x\"\n if Q1 = 1\n" \
	"multi M\n text \"Multi\"\n option 1 \"m1\"\n option 2 \"m2\"\n option 8 \"Annet\" other\n option 9 \"Vet ikke\" dontknow exclusive\n" \
	"page p3 \"Tre\"\n" \
	"sum S1 total 100\n text \"Sum\"\n row x \"X\"\n row y \"Y\"\n" \
	"number N min 15 max 90 unit \"år\"\n text \"Alder\"\n" \
	"text T maxlen 10\n text \"Fri\"\n help \"Ikke navn\"\n" \
	"nps P\n text \"Anbefale\"\n low \"Lav\"\n high \"Høy\"\n" \
	"page p4 \"Fire\"\n if B1 = 1\n" \
	"single R\n text \"RHF\"\n option 1 \"Sør-Øst\"\n" \
	"single Z\n text \"Multi follow\"\n option 1 \"z\"\n if M any (1) or G.a = 2\n"

#endif
