/**
 * Naming GPU adapters, shared by the Node backend setup and the bench worker: a software adapter
 * (a CPU-emulated GPU) computes correctly but says nothing about GPU speed.
 */

/** Adapter or renderer names that mean a CPU-emulated GPU. */
export const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|softpipe/i;

/** The parts of a WebGPU adapter's info that name it. */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** Current WebGPU reports it here; older implementations on the adapter itself. */
  isFallbackAdapter?: boolean;
}

/** A WebGPU adapter, as far as naming it needs. */
export interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}

/** "description · vendor · architecture · device", without blanks and repeats; null if empty. */
export function adapterName(info: AdapterInfoLike | undefined): string | null {
  if (!info) return null;
  const parts = [info.description, info.vendor, info.architecture, info.device]
    .map((s) => (s ?? '').trim())
    .filter((s, i, all) => s !== '' && all.indexOf(s) === i);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** The adapter's name, and whether it is a software (CPU-emulated) one. */
export function describeGpuAdapter(adapter: AdapterLike): {
  name: string | null;
  software: boolean;
} {
  const name = adapterName(adapter.info);
  const fallback = adapter.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true;
  return { name, software: fallback || SOFTWARE_ADAPTER.test(name ?? '') };
}
