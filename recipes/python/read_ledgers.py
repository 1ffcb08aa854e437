"""Alliance Ledger from Python: the ledger export (CSV) and the HTTP API, with pandas and the
standard library (Debian: apt-get install python3-pandas; run it with /usr/bin/python3). Debian's
pandas has neither pyarrow nor fastparquet, so it cannot read the Parquet export: read the CSV
(or JSON) export instead, or install pyarrow into a virtualenv for Parquet.

    npx allies export ledgers --from 2000 --to 2024 --format csv --out ledgers.csv
    npx allies serve &                       # the API on http://localhost:5173
    /usr/bin/python3 recipes/python/read_ledgers.py ledgers.csv http://localhost:5173

Prints (1) the median net balance of the Asian and the European allies, year by year (regions
from the API), (2) the top of the latest ranking with its robustness bands, from the API as JSON,
and (3) a join on ISO code and year with the API's observations: how the net balance moves with
defense spending as a share of GDP (Spearman's rank correlation, by year).
"""
import json
import sys
import urllib.request

import pandas as pd

ledgers_csv = sys.argv[1] if len(sys.argv) > 1 else "ledgers.csv"
api = (sys.argv[2] if len(sys.argv) > 2 else "http://localhost:5173").rstrip("/")


def get_json(path):
    with urllib.request.urlopen(api + path) as res:
        return json.load(res)


# One row per ally, year and line item, then the ally's totals (item total_assets,
# total_liabilities, net). Empty cells are missing (NaN), never 0; text stays text.
ledgers = pd.read_csv(ledgers_csv, dtype={"ally": str, "item": str, "cow": "Int64", "gwcode": "Int64"}, keep_default_na=False, na_values=[""])
nets = ledgers.loc[ledgers["item"] == "net", ["year", "ally", "cow", "name", "raw"]].rename(columns={"raw": "net"})

# (1) Regions of the covered allies, from the API as CSV.
allies = pd.read_csv(api + "/api/allies?format=csv", keep_default_na=False, na_values=[""])[["iso3", "region"]]
by_region = (
    nets.merge(allies, left_on="ally", right_on="iso3")
    .dropna(subset=["net"])
    .query("region in ['asia', 'europe']")
    .groupby(["year", "region"])["net"]
    .agg(["median", "count"])
    .unstack("region")
)
print("Median net balance of the allies by region (points; ledger export, regions from the API)")
print(f"{'year':<6} {'asia':>8} {'europe':>8} {'asia-europe':>12} {'n_asia':>7} {'n_europe':>9}")
for year, row in by_region.iterrows():
    asia, europe = row[("median", "asia")], row[("median", "europe")]
    print(f"{year:<6d} {asia:8.2f} {europe:8.2f} {asia - europe:+12.2f} {int(row[('count', 'asia')]):7d} {int(row[('count', 'europe')]):9d}")

# (2) The ranking of the latest year, as JSON, with the robustness band of every rank.
rankings = get_json("/api/rankings")
top = pd.DataFrame(rankings["rows"]).dropna(subset=["rank"]).sort_values("rank").head(5)
print(f"\nTop of the ranking, {rankings['year']} (methodology {rankings['methodology']['id']} {rankings['methodology']['version']}; {rankings['draws']} robustness draws)")
print(f"{'rank':>4}  {'ally':<4} {'net':>7}  {'rank band':>9}  name")
for _, r in top.iterrows():
    print(f"{int(r['rank']):>4}  {r['ally']:<4} {r['net']:7.2f}  {int(r['rank_low']):>4}-{int(r['rank_high']):<4}  {r['name']}")

# (3) Join on ISO code and year: defense spending as a share of GDP from the API's observations.
obs = get_json("/api/observations?indicator=milex_share_gdp&from=2000&limit=100000&present=true")
milex = pd.DataFrame(obs["rows"])[["country", "year", "value"]].rename(columns={"country": "ally", "value": "milex_share_gdp"})
# One value per country and year (the first source listed, should several sources give one).
milex = milex.drop_duplicates(subset=["ally", "year"])
joined = nets.dropna(subset=["net"]).merge(milex, on=["ally", "year"])
print("\nNet balance against defense spending (% of GDP), Spearman's rank correlation by year (join on ISO code and year)")
print(f"{'year':<6} {'rho':>6} {'n':>4}")
for year, g in joined.groupby("year"):
    if len(g) >= 5:
        rho = g["net"].corr(g["milex_share_gdp"], method="spearman")
        print(f"{year:<6d} {rho:6.2f} {len(g):4d}")
