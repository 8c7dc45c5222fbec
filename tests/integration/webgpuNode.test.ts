import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/node/backend';
import { topEigen } from '../../src/core/hessian/lanczos';
import type { RawRun } from '../../src/core/train/column';
import { createFcnColumn } from '../../src/core/train/fcnColumn';
import { WEBGPU_CASE, ensembleSetup, hvpOnBackend } from './cases';
import { expectRunsAgree } from './expectRuns';

// tfjs-backend-webgpu in Node through Dawn (`--backend webgpu` of the CLI and the bench), checked
// against cpu and wasm. Dawn needs the Vulkan loader and a driver. On a machine without a GPU,
// Chromium's own loader and SwiftShader (a CPU Vulkan) stand in: correct, slow, enough here.
const CHROMIUM = '/usr/lib/chromium';

function vulkanEnv(): { env: NodeJS.ProcessEnv; why: null } | { env: null; why: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const ldconfig = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  if (!(ldconfig.stdout ?? '').includes('libvulkan.so.1')) {
    if (!existsSync(path.join(CHROMIUM, 'libvulkan.so.1')))
      return { env: null, why: 'no Vulkan loader (libvulkan.so.1), not even Chromium’s' };
    env.LD_LIBRARY_PATH = [CHROMIUM, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  const icdDirs = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];
  const hasDriver =
    env.VK_ICD_FILENAMES !== undefined ||
    env.VK_DRIVER_FILES !== undefined ||
    icdDirs.some((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')));
  if (!hasDriver) {
    const swiftshader = path.join(CHROMIUM, 'vk_swiftshader_icd.json');
    if (!existsSync(swiftshader)) return { env: null, why: 'no Vulkan driver' };
    env.VK_ICD_FILENAMES = swiftshader;
  }
  return { env, why: null };
}

interface ChildResult {
  backend: string;
  adapter: { name: string; software: boolean } | null;
  hvpRelError: number;
  conv: { name: string; grad: number; hvp: number }[];
  eig: { value: number; iters: number; residual: number };
  runs: RawRun[];
  leaked: number;
  afterRelease: { adapter: unknown; navigatorGpu: boolean; restart: string };
}

const vk = vulkanEnv();
if (vk.why !== null) console.warn(`webgpuNode.test.ts skipped: ${vk.why}`);

describe.skipIf(vk.env === null)('webgpu backend in Node (Dawn)', () => {
  it('HVP, Lanczos and the batched ensemble agree with cpu and wasm; no leaks', async () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'webgpuNode.child.ts')],
      { env: vk.env ?? {}, encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20 },
    );
    expect(child.status, `signal ${child.signal}; stderr: ${child.stderr}`).toBe(0);
    // Dawn reports invalid pipelines on stderr and drops the command: never acceptable.
    expect(child.stderr).not.toMatch(/validation|invalid/i);
    const got = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
    expect(got.backend).toBe('webgpu');
    expect(got.adapter?.name).toBeTruthy();
    expect(got.leaked).toBe(0);
    expect(got.hvpRelError).toBeLessThan(1e-5);
    // Myrtle-5, a ResNet block with a projection and a max-pool net against float64.
    expect(got.conv.map((r) => r.name)).toHaveLength(3);
    for (const r of got.conv) {
      expect(r.grad, r.name).toBeLessThan(1e-5);
      expect(r.hvp, r.name).toBeLessThan(1e-5);
    }
    // Released before exit (a running GPU can crash the exit): no adapter, no navigator.gpu, and
    // starting webgpu again says why it cannot.
    expect(got.afterRelease).toEqual({
      adapter: null,
      navigatorGpu: false,
      restart: expect.stringMatching(/already released/),
    });

    // The same Lanczos on cpu: tol 0 fixes the iteration count, so the values must agree.
    await initNodeBackend('cpu');
    const c = WEBGPU_CASE.mlp();
    const onCpu = hvpOnBackend(c, c.loss);
    const want = await topEigen(onCpu.hvp, c.theta64.length, {
      ...WEBGPU_CASE.lanczos,
      exactResidual: true,
    });
    want.vector.dispose();
    onCpu.dispose();
    expect(got.eig.iters).toBe(want.iters);
    expect(Math.abs(got.eig.value - want.value)).toBeLessThan(1e-4 * Math.abs(want.value));
    // Not converged after 14 HVPs: the exact residual ‖Hy − θy‖/|θ| must match cpu's, not be small.
    expect(Math.abs(got.eig.residual - want.residual)).toBeLessThan(0.05 * want.residual + 1e-5);

    // The batched ensemble on webgpu against single runs on wasm.
    await initNodeBackend('wasm');
    const setup = ensembleSetup();
    const single = await createFcnColumn(setup.column);
    for (const [e, cValue] of setup.cs.entries()) {
      const w = (await single.run(
        cValue,
        () => {},
        () => false,
      ))!;
      expect(got.runs[e]!.c).toBe(cValue);
      expectRunsAgree(got.runs[e]!, w, { loss: 1e-4, sharpness: 1e-3 });
    }
    single.dispose();
  }, 300_000);
});

/** `npm run -s sweep -- ARGS` as a child process with `env`. */
function sweepCli(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, '../../src/cli/bin.ts'), 'sweep', ...args],
    { env, encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20 },
  );
}

const TINY = [
  ...['--depths', '2', '--widths', '16', '--c', '1,4,64', '--steps', '3'],
  ...['--measure-size', '64', '--train-size', '256', '--batch', '64', '--out', '-'],
];

describe.skipIf(vk.env === null)('the CLI with --backend webgpu', () => {
  it('names the adapter and gives the runs wasm gives', () => {
    const gpu = sweepCli(['--backend', 'webgpu', ...TINY], vk.env ?? {});
    expect(gpu.status, `signal ${gpu.signal}; stderr: ${gpu.stderr}`).toBe(0);
    expect(gpu.stderr).toMatch(/backend webgpu on \S/);
    expect(gpu.stderr).not.toMatch(/validation|invalid/i);
    const cpu = sweepCli(['--backend', 'wasm', ...TINY], process.env);
    expect(cpu.status, cpu.stderr).toBe(0);
    const parse = (s: string) =>
      s
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const a = parse(gpu.stdout);
    const b = parse(cpu.stdout);
    expect(a.map((r) => [r.type, r.c, r.regime])).toEqual(b.map((r) => [r.type, r.c, r.regime]));
    a.forEach((r, i) => {
      if (r.type !== 'run') return;
      const w = b[i]!;
      expect(Math.abs((r.lambda0 as number) - (w.lambda0 as number))).toBeLessThan(
        1e-4 * (w.lambda0 as number),
      );
    });
  }, 300_000);
});

describe('the CLI with --backend webgpu and no GPU driver', () => {
  it('exits 1 and says what is missing', () => {
    const env: NodeJS.ProcessEnv = {
      ...(vk.env ?? process.env),
      VK_ICD_FILENAMES: '/nonexistent.json',
    };
    delete env.VK_DRIVER_FILES;
    const r = sweepCli(['--backend', 'webgpu', ...TINY], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/sweep: webgpu backend: no WebGPU adapter\..*Vulkan driver/);
    expect(r.stdout).toBe('');
  }, 120_000);
});
