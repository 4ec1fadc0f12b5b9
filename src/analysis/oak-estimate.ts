/**
 * An *estimate* of the frame rate a model reaches on an OAK camera's MyriadX (RVC2), from a
 * small cost model fitted to Luxonis' published measurements. It is not a measurement: the
 * speed on a device also depends on the op mix (SiLU and large activations are slow on
 * MYRIAD), the SHAVE/CMX count the blob is compiled for, and the pipeline around it. Every
 * estimate is reported with the model's leave-one-out error on the published table.
 *
 * The model: log(FPS) = a + b·log(GMACs) + c·log(Mparams), fitted by least squares. Richer
 * forms (adding the input area or a fixed per-frame latency) did not predict the held-out
 * rows better on these 15 measurements.
 */

/** One published measurement, with the model's size figures from its own documentation. */
export interface PublishedMeasurement {
  model: string;
  input: string;
  /** Frames per second Luxonis measured on RVC2. */
  fps: number;
  /** Multiply-accumulates per frame, in billions, at this input size. */
  gmacs: number;
  /** Parameters, in millions. */
  mparams: number;
  /** Where the MACs and parameters come from, and how they were converted. */
  source: string;
}

/** YOLO projects publish GFLOPs at 640×640 as 2 × MACs (thop's MACs doubled); MACs scale with the input area. */
const yolo = (gflopsAt640: number, side: number): number => (gflopsAt640 / 2) * (side / 640) ** 2;

/**
 * FPS: Luxonis, "RVC2 NN Performance" (docs.luxonis.com/software/ai-inference/performance),
 * as collected in shared/docs/oak-performance.md.
 */
export const PUBLISHED_MEASUREMENTS: readonly PublishedMeasurement[] = [
  {
    model: "MobileOne S0",
    input: "224×224",
    fps: 165.5,
    gmacs: 0.275,
    mparams: 2.1,
    source: "apple/ml-mobileone README and paper (Table: S0 2.1 M params, 275 M FLOPs counted as multiply-adds)",
  },
  {
    model: "ResNet18",
    input: "224×224",
    fps: 94.8,
    gmacs: 1.81,
    mparams: 11.69,
    source: "torchvision model documentation (resnet18: 1.81 GFLOPS, counted as multiply-adds; 11,689,512 params)",
  },
  {
    model: "DeepLab V3",
    input: "256×256",
    fps: 36.5,
    gmacs: 2.75 * (256 / 513) ** 2,
    mparams: 2.2,
    source:
      "TensorFlow DeepLab model zoo (mobilenetv2_coco_voc_trainaug: 2.75 B multiply-adds at 513×513), scaled by area; " +
      "params: MobileNetV2 features (torchvision 3.5 M less the 1.28 M classifier)",
  },
  {
    model: "DeepLab V3",
    input: "513×513",
    fps: 6.3,
    gmacs: 2.75,
    mparams: 2.2,
    source: "TensorFlow DeepLab model zoo (mobilenetv2_coco_voc_trainaug: 2.75 B multiply-adds at 513×513); params as above",
  },
  {
    model: "YoloV6n R2",
    input: "416×416",
    fps: 65.5,
    gmacs: yolo(11.1, 416),
    mparams: 4.3,
    source: "meituan/YOLOv6 release 2.0 README (N: 4.3 M, 11.1 GFLOPs)",
  },
  {
    model: "YoloV6n R2",
    input: "640×640",
    fps: 29.3,
    gmacs: yolo(11.1, 640),
    mparams: 4.3,
    source: "meituan/YOLOv6 release 2.0 README (N: 4.3 M, 11.1 GFLOPs)",
  },
  {
    model: "YoloV6t R2",
    input: "416×416",
    fps: 35.8,
    gmacs: yolo(36.7, 416),
    mparams: 15.0,
    source: "meituan/YOLOv6 release 2.0 README (T: 15.0 M, 36.7 GFLOPs)",
  },
  {
    model: "YoloV6t R2",
    input: "640×640",
    fps: 14.2,
    gmacs: yolo(36.7, 640),
    mparams: 15.0,
    source: "meituan/YOLOv6 release 2.0 README (T: 15.0 M, 36.7 GFLOPs)",
  },
  {
    model: "YoloV6m R2",
    input: "416×416",
    fps: 8.6,
    gmacs: yolo(85.8, 416),
    mparams: 34.9,
    source: "meituan/YOLOv6 release 2.0 README (M: 34.9 M, 85.8 GFLOPs)",
  },
  {
    model: "YoloV7t",
    input: "416×416",
    fps: 46.7,
    gmacs: yolo(13.8, 416),
    mparams: 6.2,
    source: "WongKinYiu/yolov7 README (YOLOv7-tiny: 6.2 M, 13.8 GFLOPs)",
  },
  {
    model: "YoloV7t",
    input: "640×640",
    fps: 17.8,
    gmacs: yolo(13.8, 640),
    mparams: 6.2,
    source: "WongKinYiu/yolov7 README (YOLOv7-tiny: 6.2 M, 13.8 GFLOPs)",
  },
  {
    model: "YoloV8n",
    input: "416×416",
    fps: 31.3,
    gmacs: yolo(8.7, 416),
    mparams: 3.2,
    source: "ultralytics YOLOv8 documentation (n: 3.2 M, 8.7 GFLOPs)",
  },
  {
    model: "YoloV8n",
    input: "640×640",
    fps: 14.3,
    gmacs: yolo(8.7, 640),
    mparams: 3.2,
    source: "ultralytics YOLOv8 documentation (n: 3.2 M, 8.7 GFLOPs)",
  },
  {
    model: "YoloV8s",
    input: "416×416",
    fps: 15.2,
    gmacs: yolo(28.6, 416),
    mparams: 11.2,
    source: "ultralytics YOLOv8 documentation (s: 11.2 M, 28.6 GFLOPs)",
  },
  {
    model: "YoloV8m",
    input: "416×416",
    fps: 6.0,
    gmacs: yolo(78.9, 416),
    mparams: 25.9,
    source: "ultralytics YOLOv8 documentation (m: 25.9 M, 78.9 GFLOPs)",
  },
];

type Row = readonly [number, number, number];

const features = (gmacs: number, mparams: number): Row => [1, Math.log(gmacs), Math.log(mparams)];

/** Least squares through the 3×3 normal equations (Gaussian elimination with pivoting). */
function leastSquares(rows: readonly PublishedMeasurement[]): Row {
  const a = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  for (const r of rows) {
    const x = features(r.gmacs, r.mparams);
    const y = Math.log(r.fps);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) a[i]![j]! += x[i]! * x[j]!;
      a[i]![3]! += x[i]! * y;
    }
  }
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < 3; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c < 4; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return [a[0]![3]! / a[0]![0]!, a[1]![3]! / a[1]![1]!, a[2]![3]! / a[2]![2]!];
}

const predict = (c: Row, gmacs: number, mparams: number): number => {
  const x = features(gmacs, mparams);
  return Math.exp(c[0] * x[0] + c[1] * x[1] + c[2] * x[2]);
};

export interface CostModel {
  coefficients: Row;
  /** Median relative error of each published row predicted by a fit on the other rows. */
  leaveOneOutError: number;
  /** The same, per row (in PUBLISHED_MEASUREMENTS order). */
  leaveOneOutErrors: number[];
  rows: number;
  /** The range of GMACs the fit has seen. */
  gmacsRange: [number, number];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function fitCostModel(rows: readonly PublishedMeasurement[] = PUBLISHED_MEASUREMENTS): CostModel {
  const errors = rows.map((held, i) => {
    const c = leastSquares(rows.filter((_, j) => j !== i));
    return Math.abs(predict(c, held.gmacs, held.mparams) - held.fps) / held.fps;
  });
  const gmacs = rows.map((r) => r.gmacs);
  return {
    coefficients: leastSquares(rows),
    leaveOneOutError: median(errors),
    leaveOneOutErrors: errors,
    rows: rows.length,
    gmacsRange: [Math.min(...gmacs), Math.max(...gmacs)],
  };
}

let cached: CostModel | undefined;
const costModel = (): CostModel => {
  cached ??= fitCostModel();
  return cached;
};

export interface OakEstimate {
  /** Estimated frames per second on RVC2 (MyriadX); an estimate, never a measurement. */
  fps: number;
  /** Median leave-one-out relative error of the cost model on the published rows (0.47 = ±47%). */
  error: number;
  publishedModels: number;
  /** True when the model's MACs lie outside those of the published models. */
  extrapolated: boolean;
  /** One line for people: "≈ 90 FPS (±47% on 15 published models), estimated, not measured". */
  text: string;
}

/** The estimate for a model of `macs` multiply-accumulates and `parameters` weights; undefined for a model with no MACs. */
export function estimateOakFps(macs: number, parameters: number): OakEstimate | undefined {
  if (!(macs > 0) || !(parameters > 0)) return undefined;
  const m = costModel();
  const gmacs = macs / 1e9;
  const fps = predict(m.coefficients, gmacs, parameters / 1e6);
  const extrapolated = gmacs < m.gmacsRange[0] / 2 || gmacs > m.gmacsRange[1] * 2;
  const rounded = fps >= 100 ? Math.round(fps / 5) * 5 : fps >= 10 ? Math.round(fps) : Math.round(fps * 10) / 10;
  const pct = Math.round(m.leaveOneOutError * 100);
  const text =
    `≈ ${rounded} FPS on OAK (RVC2) (±${pct}% on ${m.rows} published models; an estimate from MACs and parameters, not a measurement` +
    `${extrapolated ? "; this model's MACs are far outside theirs" : ""})`;
  return { fps, error: m.leaveOneOutError, publishedModels: m.rows, extrapolated, text };
}
