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
}

/** "description · vendor · architecture · device", without blanks and repeats; null if empty. */
export function adapterName(info: AdapterInfoLike | undefined): string | null {
  if (!info) return null;
  const parts = [info.description, info.vendor, info.architecture, info.device]
    .map((s) => (s ?? '').trim())
    .filter((s, i, all) => s !== '' && all.indexOf(s) === i);
  return parts.length > 0 ? parts.join(' · ') : null;
}
