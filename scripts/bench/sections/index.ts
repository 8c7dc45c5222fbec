/** The bench's sections by name (run in the order of `SECTIONS`). */
import type { Section, SectionRunner } from '../types';
import { browserSection } from './browser';
import { convSection } from './conv';
import { demoSection } from './demo';
import { ensembleSection } from './ensemble';
import { gpuSection } from './gpu';
import { cpuSection, nodeSection } from './kernels';
import { paperSection } from './paper';
import { sweepSection } from './sweep';
import { workersSection } from './workers';

export const SECTION_RUNNERS: Record<Section, SectionRunner> = {
  node: nodeSection,
  cpu: cpuSection,
  sweep: sweepSection,
  demo: demoSection,
  paper: paperSection,
  ensemble: ensembleSection,
  conv: convSection,
  gpu: gpuSection,
  browser: browserSection,
  workers: workersSection,
};
