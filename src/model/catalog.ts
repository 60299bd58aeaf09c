/**
 * The built-in CPU catalog: effective CNN GFLOP/s per physical core, fp32 and int8, for a dense
 * ResNet-50-class network under an OpenVINO/oneDNN-class runtime in throughput mode.
 * Figures and derivations follow ../shared/reference/cpu-catalog.md: M = measured (derived from
 * published FPS of OpenVINO 2024.1 benchmark data, "OV24"), E = estimated (derivation stated there).
 * A scenario's `cpuCatalog` adds entries or overrides these by id.
 */
export type IsaFlag = 'avx2' | 'avx512' | 'vnni' | 'amx';

export interface CpuTypeEntry {
  id: string;
  description: string;
  isa: IsaFlag[];
  gflopsPerCore: { fp32: number; int8: number };
  source: string;
}

const entries: CpuTypeEntry[] = [
  {
    id: 'avx2_hsw_bdw',
    description: 'Xeon E5 v3/v4 (Haswell, Broadwell)',
    isa: ['avx2'],
    gflopsPerCore: { fp32: 80, int8: 90 },
    source: 'E: ~27 GF/s per GHz x ~3 GHz; int8 x1.15-1.19 measured on E5-2680v4 (NIMA, RIG)',
  },
  {
    id: 'avx2_skl_client',
    description: 'i3-8100, i5-8500, i7-8700T, E-2124G, W-1290P',
    isa: ['avx2'],
    gflopsPerCore: { fp32: 100, int8: 195 },
    source: 'M: OV24 resnet-50 (fp32 80-106, int8 x1.9-2.5)',
  },
  {
    id: 'avx2_zen2',
    description: 'EPYC 7002, Ryzen 3000',
    isa: ['avx2'],
    gflopsPerCore: { fp32: 85, int8: 90 },
    source: 'E: per-GHz like Coffee Lake x ~3.2 GHz; int8 ratio x1.03-1.12 measured (NIMA, FLAT)',
  },
  {
    id: 'avx2_zen3',
    description: 'EPYC 7003, Ryzen 5000',
    isa: ['avx2'],
    gflopsPerCore: { fp32: 95, int8: 170 },
    source: 'E: ~3.5 GHz; int8 ratio x1.7-1.9 measured (NIMA)',
  },
  {
    id: 'avx512_novnni',
    description: 'Skylake-SP Gold 61xx / Platinum 81xx (2 FMA units)',
    isa: ['avx2', 'avx512'],
    gflopsPerCore: { fp32: 115, int8: 135 },
    source: 'E: fp32 as measured Cascade Lake (same datapath); int8 x1.0-1.4 (DLB, ICAFFE, ORT17389)',
  },
  {
    id: 'avx512_vnni_clx',
    description: 'Xeon Platinum 8270, Gold 62xx (Cascade Lake, 2 FMA units)',
    isa: ['avx2', 'avx512', 'vnni'],
    gflopsPerCore: { fp32: 116, int8: 450 },
    source: 'M: OV24 resnet-50 on Platinum 8270 x2 (52 cores): 735.55 / 2849.47 FPS (x3.9)',
  },
  {
    id: 'avx512_vnni_clx_1fma',
    description: 'Xeon Gold 5218T, Silver 4216 (Cascade Lake, 1 FMA unit)',
    isa: ['avx2', 'avx512', 'vnni'],
    gflopsPerCore: { fp32: 67, int8: 243 },
    source:
      'M: OV24 resnet-50 on Gold 5218T x2 and Silver 4216R x2 (32 cores): fp32 66-69, int8 236-250 (x3.6)',
  },
  {
    id: 'avx512_vnni_icx',
    description: 'Xeon Platinum 8380, Silver 4316 (Ice Lake)',
    isa: ['avx2', 'avx512', 'vnni'],
    gflopsPerCore: { fp32: 119, int8: 490 },
    source: 'M: OV24 resnet-50 on Platinum 8380 x2 (80 cores) and Silver 4316 x2: int8 466-509 (x3.7-4.3)',
  },
  {
    id: 'avx_vnni_hybrid',
    description: 'i7-12700H, i5-13600K, i9-13900K (P+E core average)',
    isa: ['avx2', 'vnni'],
    gflopsPerCore: { fp32: 80, int8: 272 },
    source: 'M: OV24 resnet-50, divided by P+E cores: fp32 67-89, int8 245-327 (x3.4-3.7)',
  },
  {
    id: 'amx_spr',
    description: 'Xeon Platinum 8490H (Sapphire Rapids)',
    isa: ['avx2', 'avx512', 'vnni', 'amx'],
    gflopsPerCore: { fp32: 113, int8: 1384 },
    source: 'M: OV24 resnet-50 on Platinum 8490H x2 (120 cores): 1653 / 20219.89 FPS (x12.2)',
  },
  {
    id: 'amx_emr',
    description: 'Xeon Platinum 8580 (Emerald Rapids)',
    isa: ['avx2', 'avx512', 'vnni', 'amx'],
    gflopsPerCore: { fp32: 141, int8: 1534 },
    source: 'M: OV24 resnet-50 on Platinum 8580 x2 (120 cores): 2058.94 / 22402.58 FPS (x10.9)',
  },
  {
    id: 'avx512_vnni_zen4',
    description: 'EPYC 9004, Ryzen 7000',
    isa: ['avx2', 'avx512', 'vnni'],
    gflopsPerCore: { fp32: 100, int8: 350 },
    source:
      'E: 512-bit ops at 1 per clock; int8 assumes the Intel VNNI ratio x3.5 (no measured Zen4 int8 figure)',
  },
];

export const BUILTIN_CPU_CATALOG: ReadonlyMap<string, CpuTypeEntry> = new Map(entries.map((e) => [e.id, e]));
