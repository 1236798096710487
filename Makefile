# Svar. `make run` and `make test` do everything on a fresh Debian 12
# machine: packages, a private PostgreSQL under .run/, migrations, data.

CC	?= cc
CFLAGS	+= -std=c11 -D_GNU_SOURCE -O2 -g -fPIC -Wall -Wextra -Werror \
	   -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
	   -Wno-unused-parameter -Iapp/core -Iapp/db -Iapp/mail -Iapp/export \
	   -I/usr/include/postgresql
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -O1

# The core's libraries: argon2id, QR codes, HMAC for TOTP, libm for the
# statistics of the results.
CORE_LIBS = -largon2 -lqrencode -lcrypto -lm
# libpq, and libssl: what a TLS connection to PostgreSQL decrypted and
# libpq has not read yet signals no event (db_send.c asks SSL_pending).
DB_LIBS = -lpq -lssl

CORE_SRC = $(wildcard app/core/*.c)
DB_SRC	 = $(wildcard app/db/*.c)
WEB_SRC	 = $(wildcard app/web/*.c)
CLI_SRC	 = $(wildcard app/cli/*.c)
# Message building is core-like (unit tested); smtp.c is libcurl,
# letter.c libhpdf (svarctl only).
MAIL_SRC = $(wildcard app/mail/*.c)
# Raw-data exports: CSV, XLSX (libxlsxwriter), .sav and .dta (libreadstat).
EXPORT_SRC = $(wildcard app/export/*.c)
EXPORT_LIBS = -lxlsxwriter -lreadstat
MSG_SRC	 = app/mail/msg.c app/mail/mail_tmpl.c
UNIT_SRC = $(wildcard tests/unit/*.c)
HDRS	 = $(wildcard app/*/*.h)

CORE_OBJ = $(CORE_SRC:app/%.c=build/%.o)
DB_OBJ	 = $(DB_SRC:app/%.c=build/%.o)
WEB_OBJ	 = $(WEB_SRC:app/%.c=build/%.o)
CLI_OBJ	 = $(CLI_SRC:app/%.c=build/%.o)
MAIL_OBJ = $(MAIL_SRC:app/%.c=build/%.o)
EXPORT_OBJ = $(EXPORT_SRC:app/%.c=build/%.o)

all: build/svar.so build/svarctl

build/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC  $<"
	@$(CC) $(CFLAGS) -c $< -o $@

build/web/%.o: CFLAGS += -DKORE_USE_PGSQL -DKORE_USE_TASKS -Iapp/web

# The admin's letters (a_letters.c) need the PDF writer; assets are
# gzipped with zlib.
build/svar.so: $(WEB_OBJ) $(DB_OBJ) $(CORE_OBJ) $(EXPORT_OBJ) \
	    build/mail/letter.o build/mail/msg.o build/mail/mail_tmpl.o
	$(CC) -shared -o $@ $^ $(DB_LIBS) -lhpdf -lz $(EXPORT_LIBS) $(CORE_LIBS)

# The module again under ASan and UBSan, for the integration tests.
ASAN_OBJ = $(CORE_SRC:app/%.c=build/asan/%.o) $(DB_SRC:app/%.c=build/asan/%.o) \
	   $(WEB_SRC:app/%.c=build/asan/%.o) build/asan/mail/letter.o \
	   build/asan/mail/msg.o build/asan/mail/mail_tmpl.o \
	   $(EXPORT_SRC:app/%.c=build/asan/%.o)

build/asan/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC  $< (asan)"
	@$(CC) $(filter-out -O2,$(CFLAGS)) $(SANFLAGS) -DKORE_USE_PGSQL \
	    -DKORE_USE_TASKS -Iapp/web -c $< -o $@

build/svar-asan.so: $(ASAN_OBJ)
	$(CC) -shared $(SANFLAGS) -o $@ $^ $(DB_LIBS) -lhpdf -lz $(EXPORT_LIBS) \
	    $(CORE_LIBS)

build/svarctl: $(CLI_OBJ) $(MAIL_OBJ) $(DB_OBJ) $(CORE_OBJ) $(EXPORT_OBJ)
	$(CC) -o $@ $^ $(DB_LIBS) -lcurl -lhpdf $(EXPORT_LIBS) $(CORE_LIBS)

# The core's unit tests, under AddressSanitizer and UBSan.
build/unit_tests: $(UNIT_SRC) $(CORE_SRC) $(MSG_SRC) $(HDRS)
	@mkdir -p build
	$(CC) $(filter-out -O2,$(CFLAGS)) $(SANFLAGS) -Itests/unit -o $@ \
	    $(UNIT_SRC) $(CORE_SRC) $(MSG_SRC) $(CORE_LIBS) $$(pkg-config --cflags --libs check)

# The same tests without sanitizers, for valgrind.
build/unit_tests_plain: $(UNIT_SRC) $(CORE_SRC) $(MSG_SRC) $(HDRS)
	@mkdir -p build
	$(CC) $(CFLAGS) -O0 -Itests/unit -o $@ \
	    $(UNIT_SRC) $(CORE_SRC) $(MSG_SRC) $(CORE_LIBS) $$(pkg-config --cflags --libs check)

# The database layer against the test cluster (scripts/test.sh runs it).
build/db_tests: tests/db/test_db.c $(DB_SRC) $(CORE_SRC) $(HDRS)
	@mkdir -p build
	$(CC) $(filter-out -O2,$(CFLAGS)) $(SANFLAGS) -o $@ tests/db/test_db.c \
	    $(DB_SRC) $(CORE_SRC) $(DB_LIBS) $(CORE_LIBS) $$(pkg-config --cflags --libs check)

# Instructions per rendered page, repeatable under callgrind.
build/render_bench: tests/bench/render_bench.c $(CORE_SRC) $(HDRS)
	@mkdir -p build
	$(CC) $(CFLAGS) -o $@ tests/bench/render_bench.c $(CORE_SRC) $(CORE_LIBS)

bench-render: build/render_bench
	@valgrind --tool=callgrind --callgrind-out-file=build/callgrind.out \
	    build/render_bench 1000 2 2>&1 | grep -E 'Collected|pages'
	@callgrind_annotate build/callgrind.out 2>/dev/null | sed -n '1,/^--.*file:function/d;p' | head -25

# libFuzzer harnesses (clang) for the form parser, the definition
# reader and the template compiler, under ASan and UBSan. make test runs
# each for FUZZ_TEST_TIME seconds, make fuzz for FUZZ_TIME; new inputs
# go to .run/fuzz, the seeds in tests/fuzz/corpus stay as committed.
FUZZERS	 = form def tmpl
FUZZ_BIN = $(FUZZERS:%=build/fuzz/fuzz_%)
FUZZ_TIME ?= 300
FUZZCC	 ?= clang
FUZZFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror \
	    -Wno-unused-parameter -Iapp/core \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(CORE_SRC) $(HDRS)
	@mkdir -p build/fuzz
	$(FUZZCC) $(FUZZFLAGS) -o $@ $< $(CORE_SRC) $(CORE_LIBS)

fuzz-build: $(FUZZ_BIN)

fuzz: deps $(FUZZ_BIN)
	@FUZZ_TIME=$(FUZZ_TIME) scripts/fuzz.sh $(FUZZERS)

deps:
	@scripts/deps.sh

run: deps all
	@scripts/run.sh

test: deps all build/svar-asan.so build/unit_tests build/unit_tests_plain \
	build/db_tests $(FUZZ_BIN)
	@scripts/test.sh

# The mail sender's outage test with the SMTP server down for a minute
# (make test keeps it to a few seconds), against a fresh test cluster.
test-mail-long: deps all
	@SVAR_TEST_MAIL_DOWN=60 scripts/test-mail.sh

bench: deps all
	@tests/bench/bench.sh
	@tests/bench/funnel_bench.sh
	@tests/bench/export_bench.sh

# The funnel over a synthetic wave of 100,000 responses (issue 11).
bench-funnel: deps all
	@tests/bench/funnel_bench.sh

# Exports of 10,000 and 100,000 responses in every format: time and
# peak memory (tests/bench/export_bench.sh; about 3 minutes).
bench-export: deps all
	@tests/bench/export_bench.sh

# 10,000 respondents while PostgreSQL restarts and Kore workers are
# killed (issue 14 §6); make test runs 200 with one of each.
faults: deps all
	@tests/load/faults.sh $${SVAR_FAULTS_PORT:-8896} \
	    $${SVAR_FAULTS_PGPORT:-5495} $${SVAR_FAULTS_N:-10000} 32

clean:
	rm -rf build

.PHONY: all deps run test test-mail-long bench bench-funnel bench-export bench-render faults fuzz fuzz-build clean
