import { describe, expect, it } from 'vitest';
import { createRng, normalArray } from '../random/prng';
import { mlp64Hvp, mlp64HvpFd, mlp64LossGrad } from './reference64';
import { mlpCase, relErr } from './testCases';

describe('float64 reference MLP', () => {
  const cases = [
    mlpCase({ activation: 'tanh', loss: 'mse', bias: true, param: 'ntk' }),
    mlpCase({ activation: 'tanh', loss: 'xent', param: 'mup' }),
    mlpCase({ activation: 'relu', loss: 'mse' }),
    mlpCase({ activation: 'relu', loss: 'xent', bias: true }),
    mlpCase({ activation: 'linear', loss: 'mse' }),
  ];

  it('gradient matches central differences of the loss', () => {
    for (const c of cases) {
      const { grad } = mlp64LossGrad(c.net64, c.theta64, c.data64);
      const h = 1e-6;
      const fd = Float64Array.from(c.theta64, (_, i) => {
        const p = Float64Array.from(c.theta64);
        const m = Float64Array.from(c.theta64);
        p[i] = p[i]! + h;
        m[i] = m[i]! - h;
        return (
          (mlp64LossGrad(c.net64, p, c.data64).loss - mlp64LossGrad(c.net64, m, c.data64).loss) /
          (2 * h)
        );
      });
      expect(relErr(grad, fd)).toBeLessThan(1e-7);
    }
  });

  it('R-operator HVP matches central differences of the gradient (small nets)', () => {
    for (const c of cases) {
      const v = Float64Array.from(normalArray(createRng(7, 'direction'), c.theta64.length, 1));
      const exact = mlp64Hvp(c.net64, c.theta64, c.data64, v);
      expect(relErr(exact, mlp64HvpFd(c.net64, c.theta64, c.data64, v))).toBeLessThan(1e-8);
    }
  });
});
