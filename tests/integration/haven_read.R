# Reads a .sav or .dta with R haven (an independent reader of Svar's
# exports) and prints JSON for test_export.py: per variable its label,
# value labels, user-missing values and range (.sav), its format as the
# file declares it (SPSS "A<width>" for a string), and per row each
# value, with a tagged missing value (.dta) written as ".a", ".b", ".c"
# and a date-time (SPSS DATETIME, Stata %tc: haven's POSIXct, in UTC,
# since neither format has a time zone) as "YYYY-MM-DD HH:MM:SS"; the
# class of each variable says which were date-times.
suppressMessages(library(haven))
suppressMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]
if (grepl("\\.sav$", path)) {
  d <- read_sav(path, user_na = TRUE)
} else {
  d <- read_dta(path)
}
vars <- list()
rows <- vector("list", nrow(d))
for (i in seq_len(nrow(d))) rows[[i]] <- list()
for (n in names(d)) {
  x <- d[[n]]
  labs <- attr(x, "labels")
  l <- list()
  if (!is.null(labs)) {
    for (k in seq_along(labs)) {
      v <- unname(labs[k])
      key <- if (is.numeric(v) && is_tagged_na(v)) paste0(".", na_tag(v))
             else format(v, scientific = FALSE, trim = TRUE)
      l[[key]] <- names(labs)[k]
    }
  }
  vars[[n]] <- list(
    class = class(x)[1],
    label = if (is.null(attr(x, "label"))) "" else attr(x, "label"),
    format = if (!is.null(attr(x, "format.spss"))) attr(x, "format.spss")
             else if (!is.null(attr(x, "format.stata"))) attr(x, "format.stata")
             else "",
    labels = l,
    na_values = if (is.null(attr(x, "na_values"))) list()
                else as.list(unname(attr(x, "na_values"))),
    na_range = if (is.null(attr(x, "na_range"))) list()
               else as.list(unname(attr(x, "na_range"))))
  raw <- if (inherits(x, "POSIXct"))
    format(x, "%Y-%m-%d %H:%M:%S", tz = "UTC") else unclass(x)
  for (i in seq_len(nrow(d))) {
    v <- raw[i]
    if (is.numeric(v) && is_tagged_na(v)) {
      s <- paste0(".", na_tag(v))
    } else if (is.na(v)) {
      s <- NULL
    } else if (is.numeric(v)) {
      s <- format(v, scientific = FALSE, trim = TRUE)
    } else {
      s <- v
    }
    rows[[i]][[n]] <- if (is.null(s)) NA else s
  }
}
cat(toJSON(list(names = names(d), vars = vars, rows = rows),
           auto_unbox = TRUE, na = "null", null = "null"))
