import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAST_MODE_CHECKED, FAST_MODE_RATES, fastModeMultiplier, normaliseClaudeModelId } from '../../../src/pricing/fastMode';

void describe('fast-mode multipliers', () => {
  void it('Opus 4.6 and 4.7 are 6×; Opus 4.8, 5 and 5.5 are 2×', () => {
    assert.equal(fastModeMultiplier('claude-opus-4-6'), 6);
    assert.equal(fastModeMultiplier('claude-opus-4-7'), 6);
    assert.equal(fastModeMultiplier('claude-opus-4-8'), 2);
    assert.equal(fastModeMultiplier('claude-opus-5'), 2);
    assert.equal(fastModeMultiplier('claude-opus-5-5'), 2);
  });

  void it('matches the spellings of a model id: dated, [1m], provider prefixes, dots, Bedrock and Vertex suffixes, upper case', () => {
    for (const id of ['claude-opus-4-6-20260205', 'claude-opus-4-6[1m]', 'anthropic/claude-opus-4.6', 'us.anthropic.claude-opus-4-6-v1:0', 'claude-opus-4-6@20260205', 'Claude-Opus-4-6', ' claude-opus-4-6 ']) {
      assert.equal(fastModeMultiplier(id), 6, id);
    }
    for (const id of ['claude-opus-5-20260723', 'claude-opus-5[1m]', 'anthropic/claude-opus-5', 'claude-opus-5-5[1m]', 'claude-opus-5-5-20261001', 'claude-opus-5.5']) {
      assert.equal(fastModeMultiplier(id), 2, id);
    }
    assert.equal(normaliseClaudeModelId('us.anthropic.claude-opus-4-7-20260301-v1:0'), 'claude-opus-4-7');
  });

  void it('never lends a multiplier to another version or family', () => {
    for (const id of ['claude-opus-4-5-20251101', 'claude-opus-4', 'claude-opus-4-1-20250805', 'claude-opus-5-6', 'claude-opus-4-60', 'claude-sonnet-4-6', 'claude-sonnet-5', 'claude-haiku-4-5-20251001', 'claude-fable-5-2', 'gpt-5.5', 'unknown', '']) {
      assert.equal(fastModeMultiplier(id), null, id);
    }
  });

  void it('every entry is documented: a source, a multiplier above 1, and the date it was checked', () => {
    assert.match(FAST_MODE_CHECKED, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(new Set(FAST_MODE_RATES.map((r) => r.model)).size, FAST_MODE_RATES.length);
    for (const r of FAST_MODE_RATES) {
      assert.ok(r.multiplier > 1, r.model);
      assert.ok(r.source.length > 10, r.model);
      assert.equal(normaliseClaudeModelId(r.model), r.model, 'entries are written normalised');
    }
  });
});
