/**
 * The deployment recipes in deploy/ against the CLI that runs in them: the Kubernetes manifests
 * and the Slurm script must set the shard variables the CLI reads (shardEnv.ts), pass flags the
 * sweep parser accepts, give every shard its own file on the volume the merge step reads, and
 * the shards they start must cover the sweep once. Docker and kubectl cannot run here; the
 * manifests are parsed with js-yaml (eslint's YAML parser, the same YAML 1.2 kubectl reads).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/flags';
import { chooseShard, SHARD_ENV } from '../../src/cli/shardEnv';
import { partitionColumns } from '../../src/core/sweep/shard';
import { planColumns } from '../../src/core/sweep/plan';
import { columnId } from '../../src/core/sweep/records';

const repoRoot = path.resolve(__dirname, '../..');
const read = (p: string) => fs.readFileSync(path.join(repoRoot, 'deploy', p), 'utf8');
const loadYaml = createRequire(import.meta.url)('js-yaml') as {
  loadAll(text: string): unknown[];
};

interface Container {
  name: string;
  image: string;
  command?: string[];
  args: string[];
  env?: { name: string }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface JobDoc {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: Container[];
        volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
      };
    };
  };
}
interface PvcDoc {
  kind: string;
  metadata: { name: string };
  spec: { accessModes: string[] };
}

const job = (file: string) => loadYaml.loadAll(read(file))[0] as JobDoc;

/** Each shard's sweep, as the CLI resolves it from `argv` and the scheduler's `env`. */
function shardOf(argv: string[], env: Record<string, string>) {
  const parsed = parseFlags(argv);
  if (!parsed.ok) throw new Error(parsed.error);
  const o = parsed.value;
  const c = chooseShard(o.shard, o.shards, env);
  if (!c.ok || !c.shard) throw new Error(c.ok ? 'no shard' : c.error);
  return { settings: o.settings, shard: c.shard, source: c.source, out: o.out };
}

/** The shards' columns cover the sweep once. */
function expectCover(shards: ReturnType<typeof shardOf>[]) {
  const s = shards[0]!.settings;
  const ids = shards.flatMap((x) =>
    partitionColumns(x.settings, x.shard.count)[x.shard.index]!.columns.map(columnId),
  );
  expect(ids.sort()).toEqual(planColumns(s).map(columnId).sort());
  expect(new Set(shards.map((x) => x.out)).size).toBe(shards.length);
}

describe('Kubernetes recipe', () => {
  const sweep = job('kubernetes/sweep-job.yaml');
  const merge = job('kubernetes/merge-job.yaml');
  const pvcs = loadYaml.loadAll(read('kubernetes/storage.yaml')) as PvcDoc[];
  const container = sweep.spec.template.spec.containers[0]!;

  it('is an Indexed Job whose completions are the --shards the CLI is given', () => {
    expect(sweep.kind).toBe('Job');
    expect(sweep.spec.completionMode).toBe('Indexed');
    const args = container.args;
    expect(args[0]).toBe('sweep');
    const n = Number(args[args.indexOf('--shards') + 1]);
    expect(n).toBe(sweep.spec.completions);
    // The index comes from the scheduler, never fixed in the manifest.
    expect(args).not.toContain('--shard');
  });

  it('gives pod i shard i of N through JOB_COMPLETION_INDEX, each with its own file', () => {
    const n = sweep.spec.completions!;
    const argv = container.args.slice(1);
    const outArg = argv[argv.indexOf('--out') + 1]!;
    // Kubernetes expands $(VAR) in args from the container's environment, where the Job
    // controller puts the index under the name the CLI reads.
    expect(outArg).toContain(`$(${SHARD_ENV.kubernetesIndex})`);
    const shards = Array.from({ length: n }, (_, i) => {
      const expanded = argv.map((a) => a.replaceAll(`$(${SHARD_ENV.kubernetesIndex})`, String(i)));
      const x = shardOf(expanded, { [SHARD_ENV.kubernetesIndex]: String(i) });
      expect(x.shard).toEqual({ index: i, count: n });
      expect(x.source).toMatch(/^JOB_COMPLETION_INDEX=/);
      return x;
    });
    expectCover(shards);
    // The paper preset: d = 8, widths 64–2048, M = 4096, 46 c values, several seeds.
    const s = shards[0]!.settings;
    expect([s.depths, s.measureSize, s.batch, s.dataset]).toEqual([[8], 4096, 512, 'cifar10']);
    expect(s.seeds.length).toBeGreaterThan(1);
  });

  it('writes on the shared results claim, which the merge Job reads', () => {
    const out = container.args[container.args.indexOf('--out') + 1]!;
    const mountOf = (
      c: Container,
      vols: JobDoc['spec']['template']['spec']['volumes'],
      name: string,
    ) => {
      const claim = vols.find((v) => v.name === name)!.persistentVolumeClaim.claimName;
      return { claim, path: c.volumeMounts.find((m) => m.name === name)!.mountPath };
    };
    const results = mountOf(container, sweep.spec.template.spec.volumes, 'results');
    expect(out.startsWith(`${results.path}/`)).toBe(true);
    const mc = merge.spec.template.spec.containers[0]!;
    const mres = mountOf(mc, merge.spec.template.spec.volumes, 'results');
    expect(mres.claim).toBe(results.claim);
    const script = [...(mc.command ?? []), ...mc.args].join(' ');
    // The merge's glob matches every shard's file (the index replaced by *).
    const glob = out
      .replace(`$(${SHARD_ENV.kubernetesIndex})`, '*')
      .replace(results.path, mres.path);
    expect(script).toContain(`merge ${glob} `);
    expect(script).toMatch(/--out \S+\.jsonl --check/);
    // Many pods mount the results claim at once: it must be ReadWriteMany.
    const pvc = pvcs.find((p) => p.metadata.name === results.claim)!;
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    const data = sweep.spec.template.spec.volumes.find((v) => v.name === 'data')!;
    expect(pvcs.map((p) => p.metadata.name)).toContain(data.persistentVolumeClaim.claimName);
    expect(sweep.spec.template.spec.restartPolicy).toBe('Never');
    expect(merge.spec.template.spec.containers[0]!.image).toBe(container.image);
  });
});

describe('Slurm recipe', () => {
  const script = read('slurm/sweep-array.sbatch');
  const sbatch = (opt: string) => new RegExp(`^#SBATCH --${opt}=(\\S+)$`, 'm').exec(script)?.[1];

  it('runs an array 0..N−1 whose tasks the CLI maps to shards 0..N−1 by the Slurm variables', () => {
    const m = /^(\d+)-(\d+)$/.exec(sbatch('array') ?? '')!;
    expect(m).not.toBeNull();
    const [first, last] = [Number(m[1]), Number(m[2])];
    expect(first).toBe(0);
    const n = last - first + 1;
    const flags = /^SWEEP_FLAGS=\(\n([\s\S]*?)\n\)$/m.exec(script)![1]!.trim().split(/\s+/);
    const out = /--out "([^"]+)"/.exec(script)![1]!;
    expect(out).toContain(`\${${SHARD_ENV.slurmTaskId}}`);
    expect(script).not.toMatch(/--shards? /);
    const shards = Array.from({ length: n }, (_, k) => {
      const id = String(first + k);
      const argv = [...flags, '--out', out.replaceAll(`\${${SHARD_ENV.slurmTaskId}}`, id)];
      // What Slurm sets in each task of --array=0-(N-1).
      const env = {
        [SHARD_ENV.slurmTaskId]: id,
        [SHARD_ENV.slurmTaskCount]: String(n),
        [SHARD_ENV.slurmTaskMin]: String(first),
        [SHARD_ENV.slurmTaskStep]: '1',
      };
      const x = shardOf(argv, env);
      expect(x.shard).toEqual({ index: k, count: n });
      expect(x.source).toMatch(/^SLURM_ARRAY_TASK_ID=/);
      return x;
    });
    expectCover(shards);
    // A preempted task is requeued and resumes its file.
    expect(script).toMatch(/^#SBATCH --requeue$/m);
  });

  it('merges the files the array writes', () => {
    const merge = read('slurm/merge.sbatch');
    expect(merge).toMatch(
      /merge "\$RESULTS"\/shard-\*\.jsonl --out "\$RESULTS\/merged\.jsonl" --check/,
    );
    expect(script).toMatch(/--out "\$RESULTS\/shard-\$\{SLURM_ARRAY_TASK_ID\}\.jsonl"/);
  });
});

describe('container image', () => {
  const docker = read('Dockerfile');
  const stages = [...docker.matchAll(/^FROM (\S+) AS (\S+)$/gm)].map((m) => ({
    from: m[1],
    name: m[2],
  }));

  it('runs on Node 20 without dev dependencies, CPU by default, GPU as a target', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime', 'gpu', 'cpu']);
    for (const s of stages.filter((x) => x.from!.startsWith('node:')))
      expect(s.from).toMatch(/^node:20-/);
    const runtime = docker.slice(docker.indexOf('AS runtime'), docker.indexOf('AS gpu'));
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).not.toMatch(/COPY \. \./);
    expect(runtime).toMatch(/ENTRYPOINT \["node", "\/app\/dist-cli\/phase-explorer\.js"\]/);
    const gpu = docker.slice(docker.indexOf('AS gpu'), docker.indexOf('AS cpu'));
    expect(gpu).toMatch(/libvulkan1/);
    expect(gpu).toMatch(/devDependencies\.webgpu/);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.devDependencies['webgpu']).toBeDefined();
    // The entry point is the package's own bin, which the build stage builds.
    expect(runtime).toContain(`"/app/${pkg.bin['phase-explorer']}"`);
    expect(pkg.scripts['build:cli']).toBeDefined();
    expect(docker).toMatch(/RUN npm run -s build:cli/);
  });
});
