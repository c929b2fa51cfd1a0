# offprint — `make` installs what is missing and builds every edition of every
# source into dist/; `make test` runs the whole test suite.
SHELL := /bin/bash
.DEFAULT_GOAL := all
export PUPPETEER_SKIP_DOWNLOAD := 1

# Debian packages: the build needs a browser and fallback fonts (the PDF's own
# Noto Serif and Noto Sans Mono come from npm; DejaVu and WenQuanYi cover
# symbols and CJK names the Noto pair lacks); the tests also need
# Java + epubcheck, poppler-utils, qpdf, w3m (reader-mode tests), jing
# (RELAX NG validation of the OPDS catalog and the Atom feed) and unzip (Info-ZIP's
# test of the EPUB's archive).
BUILD_PKGS := chromium-headless-shell fonts-noto-core fonts-dejavu-core fonts-wqy-zenhei
TEST_PKGS := default-jre-headless epubcheck poppler-utils qpdf w3m jing unzip
# command or file that proves each package is there
have_chromium-headless-shell := test -x /usr/bin/chromium-headless-shell || test -x /usr/bin/chromium || test -n "$$PUPPETEER_EXECUTABLE_PATH"
have_fonts-noto-core := test -d /usr/share/fonts/truetype/noto
have_fonts-dejavu-core := test -d /usr/share/fonts/truetype/dejavu
have_fonts-wqy-zenhei := test -d /usr/share/fonts/truetype/wqy
have_default-jre-headless := command -v java
have_epubcheck := test -f /usr/share/java/epubcheck.jar
have_poppler-utils := command -v pdftotext
have_qpdf := command -v qpdf
have_w3m := command -v w3m
have_jing := command -v jing
have_unzip := command -v unzip

define ensure_packages
	@missing=""; for p in $(1); do \
	  case $$p in \
	    chromium-headless-shell) $(have_chromium-headless-shell) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    fonts-noto-core) $(have_fonts-noto-core) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    fonts-dejavu-core) $(have_fonts-dejavu-core) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    fonts-wqy-zenhei) $(have_fonts-wqy-zenhei) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    default-jre-headless) $(have_default-jre-headless) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    epubcheck) $(have_epubcheck) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    poppler-utils) $(have_poppler-utils) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    qpdf) $(have_qpdf) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    w3m) $(have_w3m) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    jing) $(have_jing) >/dev/null 2>&1 || missing="$$missing $$p";; \
	    unzip) $(have_unzip) >/dev/null 2>&1 || missing="$$missing $$p";; \
	  esac; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make: installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "make: missing system packages:$$missing"; \
	    echo "      install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

.PHONY: all deps test-deps bundle build test typecheck lint bench serve clean

all: build

node_modules/.installed: package.json package-lock.json
	# npm ci installs exactly the lock and never rewrites it, so the tree stays clean.
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.installed
	$(call ensure_packages,$(BUILD_PKGS))

test-deps: deps
	$(call ensure_packages,$(TEST_PKGS))

# The CLI compiled by esbuild: starts in ~0.2 s instead of ~1 s through tsx.
# pipeline/bin.js falls back to tsx whenever a file under pipeline/ is newer.
# The step also builds source/ once into .build/ to make V8's code cache of
# the bundle (a browser makes it cover the PDF's code too: deps come first).
.build/cli.js: node_modules/.installed scripts/bundle.mjs $(shell find pipeline -type f)
	node scripts/bundle.mjs

bundle: .build/cli.js

build: deps bundle
	node pipeline/bin.js build source

typecheck: deps
	npx tsc --noEmit

# The shape of the code: linter and formatter, the layer rule, unused code.
lint: deps
	npx biome check .
	npx depcruise pipeline --config .dependency-cruiser.cjs
	npx knip

test: test-deps typecheck lint bundle
	npx vitest run

# make bench: issue 18's goals against pandoc and md-to-pdf (installed into .bench/ when missing), then the per-edition table.
# make bench BENCH_ARGS='--only article --repeats 3'   one row; rows: article, all100, pdf100, scale1000 (long, not default), editions
# make bench BENCH_ARGS='--articles 20'                 a quick all100/pdf100; see --help for every option
bench: deps bundle
	npx tsx tests/bench/run.ts $(BENCH_ARGS)

clean:
	rm -rf dist .build

# make serve SERVE_ARGS='--port 8080 --editions html'
serve: deps bundle
	node pipeline/bin.js serve source $(SERVE_ARGS)
