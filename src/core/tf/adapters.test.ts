import { describe, expect, it } from 'vitest';
import { adapterName, describeGpuAdapter } from './adapters';

describe('GPU adapters', () => {
  it('names an adapter from its info, without blanks and repeats', () => {
    expect(
      adapterName({ vendor: 'nvidia', architecture: 'hopper', description: ' ', device: 'nvidia' }),
    ).toBe('nvidia · hopper');
    expect(adapterName({})).toBeNull();
    expect(adapterName(undefined)).toBeNull();
  });

  it('tells software adapters from hardware ones', () => {
    expect(describeGpuAdapter({ info: { vendor: 'nvidia', architecture: 'hopper' } })).toEqual({
      name: 'nvidia · hopper',
      software: false,
    });
    // By name (SwiftShader, llvmpipe …), or by the fallback flag on the info or on the adapter.
    expect(
      describeGpuAdapter({ info: { vendor: 'google', architecture: 'swiftshader' } }).software,
    ).toBe(true);
    expect(describeGpuAdapter({ info: { vendor: 'x', isFallbackAdapter: true } }).software).toBe(
      true,
    );
    expect(describeGpuAdapter({ info: { vendor: 'x' }, isFallbackAdapter: true }).software).toBe(
      true,
    );
    expect(describeGpuAdapter({})).toEqual({ name: null, software: false });
  });
});
