// The country registry: ISO keys, COW codes that change meaning over time, publishers' spellings.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { snapshotContext, SNAPSHOT_DIR } from '../support/pipeline.ts';

describe.runIf(existsSync(SNAPSHOT_DIR))('country registry', () => {
  it('keys countries by ISO alpha-3 with COW codes and regions', async () => {
    const { countries } = await snapshotContext();
    expect(countries.registry.get('JPN')).toMatchObject({ cow: 740, region: 'asia', historical: false });
    expect(countries.registry.get('POL')).toMatchObject({ cow: 290, region: 'europe' });
    expect(countries.registry.get('TWN')).toMatchObject({ cow: 713, region: 'asia' });
    expect(countries.registry.get('XKX')).toMatchObject({ cow: 347, region: 'europe' });
  });

  it('handles historical states explicitly', async () => {
    const { registry } = (await snapshotContext()).countries;
    expect(registry.fromCow(260, 1980)).toBe('DEU'); // West Germany continues as Germany
    expect(registry.fromCow(265, 1980)).toBe('DDR');
    expect(registry.fromCow(255, 1995)).toBe('DEU');
    expect(registry.fromCow(345, 1985)).toBe('YUG');
    expect(registry.fromCow(345, 2000)).toBe('SCG');
    expect(registry.fromCow(345, 2010)).toBe('SRB');
    expect(registry.fromCow(315, 1980)).toBe('CSK');
    expect(registry.fromCow(316, 2000)).toBe('CZE');
    expect(registry.fromCow(365, 1970)).toBe('SUN');
    expect(registry.fromCow(365, 2000)).toBe('RUS');
    expect(registry.get('DDR')).toMatchObject({ historical: true, from_year: 1954, to_year: 1990 });
  });

  it('resolves publishers\' spellings and refuses unknown ones with file and row', async () => {
    const { countries } = await snapshotContext();
    const where = { file: 'x.csv', row: 7, column: 'Country' };
    expect(countries.resolve('test', 'Korea, Rep.', where)).toBe('KOR');
    expect(countries.resolve('test', "Korea, Dem. People's Rep.", where)).toBe('PRK');
    expect(countries.resolve('test', 'Czechoslovakia', where)).toBe('CSK');
    expect(countries.resolve('test', 'Russian Federation', where)).toBe('RUS');
    expect(() => countries.resolve('test', 'Atlantis', where)).toThrow(/x\.csv, row 7, column "Country": unknown country name "Atlantis".*curated\/country-names\/test\.yaml/);
  });
});
