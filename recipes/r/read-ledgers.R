# Alliance Ledger from R: the ledger export (CSV) and the HTTP API, with readr and dplyr only
# (Debian: apt-get install r-cran-readr r-cran-dplyr). R reads the CSV export: the Parquet export
# needs the arrow package, which Debian does not package.
#
#   npx allies export ledgers --from 2000 --to 2024 --format csv --out ledgers.csv
#   npx allies serve &                       # the API on http://localhost:5173
#   Rscript recipes/r/read-ledgers.R ledgers.csv http://localhost:5173
#
# Prints (1) the median net balance of the Asian and the European allies, year by year, with the
# allies' regions read from the API, and (2) a join on COW code and year: the median net of the
# allies that the Correlates of War list as major powers in that year against the other allies.
suppressPackageStartupMessages({
  library(readr)
  library(dplyr)
})

args <- commandArgs(trailingOnly = TRUE)
ledgers_csv <- if (length(args) >= 1) args[[1]] else "ledgers.csv"
api <- sub("/+$", "", if (length(args) >= 2) args[[2]] else "http://localhost:5173")

# One row per ally, year and line item, then the ally's totals (item total_assets,
# total_liabilities, net). Empty cells are missing (NA), never 0.
ledgers <- read_csv(ledgers_csv, show_col_types = FALSE, progress = FALSE,
                    col_types = cols(year = col_integer(), cow = col_integer(), gwcode = col_integer(),
                                     raw = col_double(), contribution = col_double(), .default = col_guess()))
nets <- ledgers |>
  filter(item == "net") |>
  select(year, ally, cow, name, net = raw)

# The covered allies and their regions, from the API as CSV (?format=csv).
allies <- read_csv(paste0(api, "/api/allies?format=csv"), show_col_types = FALSE, progress = FALSE) |>
  select(iso3, region)

by_region <- nets |>
  inner_join(allies, by = c(ally = "iso3")) |>
  filter(region %in% c("asia", "europe"), !is.na(net)) |>
  group_by(year, region) |>
  summarise(median_net = median(net), allies = n(), .groups = "drop")
asia <- by_region |> filter(region == "asia") |> select(year, asia = median_net, n_asia = allies)
europe <- by_region |> filter(region == "europe") |> select(year, europe = median_net, n_europe = allies)
table <- inner_join(asia, europe, by = "year") |> arrange(year)

cat("Median net balance of the allies by region (points; ledger export, regions from the API)\n")
cat(sprintf("%-6s %8s %8s %12s %7s %9s\n", "year", "asia", "europe", "asia-europe", "n_asia", "n_europe"))
for (i in seq_len(nrow(table))) {
  r <- table[i, ]
  cat(sprintf("%-6d %8.2f %8.2f %+12.2f %7d %9d\n", r$year, r$asia, r$europe, r$asia - r$europe, r$n_asia, r$n_europe))
}

# A join on COW code and year: the COW State System's major powers (COW-coded, from the API's
# evidence tables) against the ledger's cow column, for the years the list covers.
powers <- read_csv(paste0(api, "/api/tables/major_powers?format=csv"), show_col_types = FALSE, progress = FALSE) |>
  transmute(ccode = as.integer(ccode), first = as.integer(substr(start_date, 1, 4)), last = as.integer(substr(end_date, 1, 4)))
years <- sort(unique(nets$year))
flagged <- nets |>
  filter(!is.na(cow), !is.na(net), year <= max(powers$last)) |>
  left_join(powers, by = c(cow = "ccode"), relationship = "many-to-many") |>
  mutate(major = !is.na(first) & year >= first & year <= last) |>
  group_by(year, ally, net) |>
  summarise(major = any(major), .groups = "drop")
cow_table <- flagged |>
  group_by(year) |>
  summarise(major_powers = paste(sort(ally[major]), collapse = " "), median_major = median(net[major]),
            median_other = median(net[!major]), .groups = "drop") |>
  arrange(year)

cat("\nCOW major powers among the allies (join on COW code and year) and their median net against the other allies'\n")
cat(sprintf("%-6s %14s %14s  %s\n", "year", "median_major", "median_other", "major powers"))
for (i in seq_len(nrow(cow_table))) {
  r <- cow_table[i, ]
  cat(sprintf("%-6d %14.2f %14.2f  %s\n", r$year, r$median_major, r$median_other, r$major_powers))
}
