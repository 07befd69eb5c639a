// The source registry against everything that describes a source outside it: the ids of the core,
// the adapters, the manifest's settings (and their scope), what the typed configuration reads, and
// the README's and the walkthrough's lists of keys. Adding a source is its descriptor and one
// registry line; whatever else it needs, this test names.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { SOURCE_IDS } from '../../../src/core/types';
import { keyHint, settingKey, switchedOn, switchKey } from '../../../src/sources/descriptor';
import { createSources, isKeyedSource, KEY_SPECS, KEYED_SOURCES, networkSourceConfigured, SOURCES } from '../../../src/sources/registry';

const ROOT = join(__dirname, '..', '..', '..');
interface Setting {
  readonly scope?: string;
  readonly type?: string | string[];
  readonly enum?: readonly unknown[];
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: {
    configuration: { properties: Record<string, Setting> }[];
    commands: { command: string; category?: string }[];
    walkthroughs: { steps: { id: string; description: string; completionEvents?: string[]; media: { markdown?: string } }[] }[];
  };
};
const declared: Record<string, Setting> = Object.assign({}, ...manifest.contributes.configuration.map((c) => c.properties)) as Record<string, Setting>;
const text = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');

/** Every setting a source reads, as `tokenBudget.sources.<id>.<name>` → its scope. */
const settingsOfSources = new Map(SOURCES.flatMap((d) => Object.entries(d.settings).map(([name, scope]) => [settingKey(d, name), scope] as const)));

void describe('the source registry', () => {
  void it('has one descriptor per SourceId, in the order of SOURCE_IDS', () => {
    assert.deepEqual(
      SOURCES.map((d) => d.id),
      [...SOURCE_IDS],
    );
  });

  void it('gives each source one label, used by its adapter, and no two sources the same one', () => {
    const labels = SOURCES.map((d) => d.label);
    assert.equal(new Set(labels).size, labels.length, labels.join(', '));
    const { adapters } = createSources();
    assert.deepEqual(
      adapters.map((a) => [a.id, a.label]),
      SOURCES.map((d) => [d.id, d.label]),
      'one adapter per source, registered once, in registry order, under its label',
    );
  });

  void it('derives the keys: one per keyed source, its secret under tokenBudget.key.<id>, its own environment variable', () => {
    assert.deepEqual(
      KEY_SPECS.map((k) => [k.source, k.label, k.secretKey]),
      KEYED_SOURCES.map((d) => [d.id, d.label, `tokenBudget.key.${d.id}`]),
    );
    const vars = KEYED_SOURCES.map((d) => d.key.envVar);
    assert.equal(new Set(vars).size, vars.length);
    for (const d of KEYED_SOURCES) assert.ok(keyHint(d).includes(d.key.envVar) && keyHint(d).includes('Set API Key'), keyHint(d));
    for (const d of SOURCES) assert.equal(isKeyedSource(d.id), 'key' in d, `${d.id}: keyed when it has a key spec`);
    assert.equal(isKeyedSource('nonsense'), false);
  });

  void it('switches each source with one of its own settings; its filters are its own settings too', () => {
    for (const d of SOURCES) {
      assert.ok(d.switch.setting in d.settings, `${d.id}: switch ${d.switch.setting}`);
      for (const f of ('ownFilters' in d ? d.ownFilters : [])) assert.ok(f in d.settings, `${d.id}: filter ${f}`);
    }
  });

  void it('each keyed adapter is off by default and on with its switch, exactly when the descriptor says so', () => {
    const { adapters } = createSources();
    for (const d of KEYED_SOURCES) {
      const adapter = adapters.find((a) => a.id === d.id);
      assert.ok(adapter, d.id);
      assert.equal(adapter.needsKey, true);
      assert.equal(adapter.setting, switchKey(d), `${d.id}: the adapter's messages name the switch`);
      const name = `sources.${d.id}.${d.switch.setting}`;
      const off = readConfig(() => undefined);
      const on = readConfig((key) => (key === name ? (d.switch.type === 'url' ? 'https://usage.example.com' : true) : undefined));
      assert.deepEqual([adapter.isEnabled(off), switchedOn(d, off)], [false, false], `${d.id} is off by default`);
      assert.deepEqual([adapter.isEnabled(on), switchedOn(d, on)], [true, true], `${d.id} is on with ${name}`);
    }
  });

  void it('keeps agent logs on auto off exactly while a source that may carry their traffic is on', () => {
    assert.equal(networkSourceConfigured(readConfig(() => undefined)), false);
    for (const d of SOURCES) {
      const value = d.switch.type === 'url' ? 'https://usage.example.com' : d.switch.type === 'toggle' ? true : 'on';
      const config = readConfig((key) => (key === `sources.${d.id}.${d.switch.setting}` ? value : undefined));
      assert.equal(networkSourceConfigured(config), d.carriesAgentTraffic, d.id);
      // Network sources carry it, agents do not; GitHub Copilot is a network source its traffic never goes through (product.md).
      assert.equal(d.carriesAgentTraffic, d.group !== 'agentLogs' && d.id !== 'copilot', `${d.id}: network sources carry it, agents and Copilot do not`);
    }
  });
});

void describe('the registry and the manifest agree', () => {
  void it('every setting a source reads is declared, with the scope its descriptor gives', () => {
    for (const [key, scope] of settingsOfSources) {
      assert.ok(declared[key], `${key} is not in package.json contributes.configuration`);
      assert.equal(declared[key].scope, scope, `${key}: scope`);
    }
  });

  void it('every source setting declared belongs to a registered source', () => {
    const orphans = Object.keys(declared).filter((k) => k.startsWith('tokenBudget.sources.') && !settingsOfSources.has(k));
    assert.deepEqual(orphans, []);
  });

  void it('a setting that names a URL, or belongs to a source that sends a key, is application-scoped (product.md)', () => {
    for (const d of SOURCES) {
      for (const [name, scope] of Object.entries(d.settings)) {
        if ('key' in d || /url$/i.test(name)) assert.equal(scope, 'application', `${settingKey(d, name)}`);
      }
    }
  });

  void it('each switch has the type its kind reads: a URL string, a boolean flag, auto | on | off', () => {
    for (const d of SOURCES) {
      const s = declared[switchKey(d)];
      if (d.switch.type === 'url') assert.equal(s?.type, 'string', d.id);
      else if (d.switch.type === 'toggle') assert.equal(s?.type, 'boolean', d.id);
      else assert.deepEqual(s?.enum, ['auto', 'on', 'off'], d.id);
    }
  });

  void it('the typed configuration reads each source setting, and user-only exactly when it is application-scoped', () => {
    const read = new Map<string, boolean>();
    readConfig((key, userOnly) => {
      if (key.startsWith('sources.')) read.set(`tokenBudget.${key}`, userOnly === true);
      return undefined;
    });
    assert.deepEqual([...read.keys()].sort(), [...settingsOfSources.keys()].sort(), 'src/core/config.ts reads what the descriptors declare');
    for (const [key, userOnly] of read) assert.equal(userOnly, settingsOfSources.get(key) === 'application', key);
  });
});

void describe('the registry and the documentation agree', () => {
  void it("the README's table of sources names each keyed source's switch and environment variable on one row", () => {
    const rows = text('README.md')
      .split('\n')
      .filter((line) => line.startsWith('|'));
    for (const d of KEYED_SOURCES) {
      const row = rows.find((r) => r.includes(`\`${switchKey(d)}\``));
      assert.ok(row, `README.md: no table row for ${switchKey(d)}`);
      assert.ok(row.includes(`\`${d.key.envVar}\``), `README.md: the ${d.id} row names ${d.key.envVar}`);
    }
  });

  void it("the walkthrough's key step and docs/security.md list every key's environment variable", () => {
    for (const file of [['media', 'walkthrough', 'key.md'], ['docs', 'security.md']]) {
      const doc = text(...file);
      for (const d of KEYED_SOURCES) assert.ok(doc.includes(`\`${d.key.envVar}\``), `${file.join('/')}: ${d.key.envVar}`);
    }
  });
});

void describe("a source's sign-in", () => {
  void it('is a declared command with a category, linked from a walkthrough step (with its media), never run at start-up', () => {
    const withSignIn = SOURCES.flatMap((d) => ('signIn' in d && d.signIn ? [{ id: d.id, ...d.signIn }] : []));
    assert.deepEqual(withSignIn.map((s) => s.id), ['copilot']);
    const steps = manifest.contributes.walkthroughs.flatMap((w) => w.steps);
    for (const s of withSignIn) {
      assert.ok(manifest.contributes.commands.some((c) => c.command === s.command && c.category === 'Token Budget'), `${s.command} is declared`);
      const step = steps.find((st) => st.description.includes(`(command:${s.command})`));
      assert.ok(step, `a walkthrough step links ${s.command}`);
      assert.ok(step.completionEvents?.includes(`onCommand:${s.command}`));
      assert.ok(step.media.markdown && text(step.media.markdown).length > 0);
      assert.doesNotMatch(text('src', 'extension.ts'), new RegExp(`executeCommand\\('${s.command.replace(/\./g, '\\.')}'|signInToGitHub`), 'activation never signs in');
    }
  });
});
