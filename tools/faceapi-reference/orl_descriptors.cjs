#!/usr/bin/env node
/*
 * orl_descriptors.cjs: face-api.js's own 128-D descriptors for every image of the ORL faces
 * (persons sN, images 1..10, 92 x 112 8-bit PGM), by two face-api pipelines, computed by
 * face-api.js itself (@vladmandic/face-api 1.7.15, tfjs 4.22.0, wasm backend). They are
 * face-api's reference for ConvKit's face evaluation (org.convkit.face.eval.FaceEvaluation):
 * verification / recognition metrics of face-api on ORL, computed in Java from this file alone.
 *
 * Usage (from tools/faceapi-reference, after `npm install`):
 *
 *   node orl_descriptors.cjs <faces-dir> <out.json> [persons, default 20] [input sizes, default 128,160,224,320]
 *
 *   e.g. node orl_descriptors.cjs ../../../shared/data/faces \
 *            ../../src/main/resources/org/convkit/face/eval/orl-faceapi.json
 *
 * Each image is read as a [112, 92, 3] float32 tensor (the grey value, 0..255, in all three
 * channels) and described by
 *
 *   whole_image: faceapi.computeFaceDescriptor(tensor). face-api pads the image to a square with 0
 *                (FaceRecognitionNet calls toBatchTensor(150, isCenterInputs = true): the padding
 *                is split between both sides, here 10 columns left and 10 right) and resizes it to
 *                150 x 150 (tf.image.resizeBilinear, alignCorners false, halfPixelCenters false).
 *
 *   detect:      faceapi.detectSingleFace(tensor, new TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.3 }))
 *                  .withFaceLandmarks().withFaceDescriptor()
 *                (68-point landmark net, dlib-style aligned box clipped at the image borders, that
 *                crop padded and resized as above); null where no face is found. Every input size
 *                given is tried; the one that finds the most faces (the first on a tie) is used for
 *                the descriptors, and the faces found at each size are recorded in "detector_survey".
 *
 * Writes {"faceapi", "tfjs", "backend", "generator", "pipelines": {"whole_image": {"s1/1": [128], ...},
 * "detect": {...}}, "detector": {options used}, "detector_survey": {size: faces found}, "detections":
 * {"s1/1": {"score", "box": [x, y, w, h]} or null}}, one image per line, descriptors rounded to 7
 * significant digits (the Java side compares distances, which this rounding moves by < 1e-6).
 */
'use strict';

const fs = require('fs');
const path = require('path');

const MODEL_DIR = path.join(__dirname, 'node_modules', '@vladmandic', 'face-api', 'model');
const SCORE_THRESHOLD = 0.3;
const IMAGES_PER_PERSON = 10;

/** Reads a binary (P5) PGM with maxval < 256: { width, height, pixels }. */
function readPgm(file) {
  const bytes = fs.readFileSync(file);
  let pos = 0;
  const isSpace = (b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
  const token = () => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos])) pos++;
      if (bytes[pos] === 0x23) while (pos < bytes.length && bytes[pos] !== 0x0a) pos++; // comment
      else break;
    }
    const start = pos;
    while (pos < bytes.length && !isSpace(bytes[pos])) pos++;
    return bytes.toString('latin1', start, pos);
  };
  if (token() !== 'P5') throw new Error(`${file}: not a binary PGM (P5)`);
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (!(width > 0 && height > 0)) throw new Error(`${file}: bad size ${width} x ${height}`);
  if (!(maxval > 0 && maxval < 256)) throw new Error(`${file}: maxval ${maxval} not supported (8-bit only)`);
  pos++; // the single whitespace after maxval
  const pixels = bytes.subarray(pos, pos + width * height);
  if (pixels.length !== width * height) throw new Error(`${file}: truncated`);
  return { width, height, pixels };
}

/** The image as a [h, w, 3] tensor, grey replicated to R, G, B, values 0..255. */
function imageTensor(faceapi, file) {
  const { width, height, pixels } = readPgm(file);
  const v = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) v[3 * i] = v[3 * i + 1] = v[3 * i + 2] = pixels[i];
  return faceapi.tf.tensor3d(v, [height, width, 3], 'float32');
}

async function loadFaceApi() {
  require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-wasm');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  await faceapi.tf.setBackend('wasm');
  await faceapi.tf.ready();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(MODEL_DIR);
  return faceapi;
}

const round = (d) => Array.from(d, (v) => Number(v.toPrecision(7)));

async function detect(faceapi, tensor, inputSize) {
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: SCORE_THRESHOLD });
  return faceapi.detectSingleFace(tensor, options).withFaceLandmarks().withFaceDescriptor();
}

async function main() {
  const [facesDir, out, personsArg, sizesArg] = process.argv.slice(2);
  if (!facesDir || !out) {
    console.error('usage: node orl_descriptors.cjs <faces-dir> <out.json> [persons, default 20] [input sizes, default 128,160,224,320]');
    process.exit(2);
  }
  const persons = Number(personsArg || 20);
  const sizes = (sizesArg || '128,160,224,320').split(',').map(Number);
  const names = [];
  for (let p = 1; p <= persons; p++) for (let i = 1; i <= IMAGES_PER_PERSON; i++) names.push(`s${p}/${i}`);
  for (const name of names) {
    if (!fs.existsSync(path.join(facesDir, `${name}.pgm`))) throw new Error(`${facesDir}: missing ${name}.pgm (not an ORL layout?)`);
  }

  const faceapi = await loadFaceApi();
  const wholeImage = {};
  const bySize = Object.fromEntries(sizes.map((s) => [s, {}]));
  for (const name of names) {
    const tensor = imageTensor(faceapi, path.join(facesDir, `${name}.pgm`));
    try {
      wholeImage[name] = round(await faceapi.computeFaceDescriptor(tensor));
      for (const size of sizes) {
        const r = await detect(faceapi, tensor, size);
        bySize[size][name] = r ? {
          descriptor: round(r.descriptor),
          score: Number(r.detection.score.toPrecision(4)),
          box: [r.detection.box.x, r.detection.box.y, r.detection.box.width, r.detection.box.height].map((v) => Number(v.toFixed(2))),
        } : null;
      }
    } finally {
      tensor.dispose();
    }
  }

  const survey = {};
  for (const size of sizes) survey[size] = Object.values(bySize[size]).filter((r) => r).length;
  const best = sizes.reduce((a, s) => (survey[s] > survey[a] ? s : a), sizes[0]);
  for (const size of sizes) console.error(`inputSize ${size}: ${survey[size]} of ${names.length} faces found`);
  console.error(`using inputSize ${best}`);

  const detectPipeline = {};
  const detections = {};
  for (const name of names) {
    const r = bySize[best][name];
    detectPipeline[name] = r ? r.descriptor : null;
    detections[name] = r ? { score: r.score, box: r.box } : null;
  }
  const head = {
    faceapi: require('@vladmandic/face-api/package.json').version,
    tfjs: faceapi.tf.version_core,
    backend: faceapi.tf.getBackend(),
    generator: 'tools/faceapi-reference/orl_descriptors.cjs',
    data: `ORL faces s1..s${persons}, images 1..${IMAGES_PER_PERSON} (92 x 112 PGM, grey replicated to RGB, values 0..255)`,
    pipelines_doc: {
      whole_image: 'computeFaceDescriptor(image tensor): face-api pads to a square (centred, 0) and resizes to 150 bilinearly',
      detect: 'detectSingleFace(image tensor, TinyFaceDetectorOptions(detector)).withFaceLandmarks().withFaceDescriptor(); null = no face found',
    },
    detector: { type: 'TinyFaceDetector', inputSize: best, scoreThreshold: SCORE_THRESHOLD, landmarks: 'faceLandmark68Net' },
    detector_survey: Object.fromEntries(sizes.map((s) => [String(s), survey[s]])),
    images: names.length,
  };
  // One line per image: readable diffs without 128 lines per descriptor.
  const block = (obj, indent) => `{\n${Object.entries(obj).map(([k, v]) => `${indent}${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n${indent.slice(1)}}`;
  const text = JSON.stringify(head, null, 1).replace(/\n}$/, '') +
    `,\n "pipelines": {\n  "whole_image": ${block(wholeImage, '   ')},\n  "detect": ${block(detectPipeline, '   ')}\n },` +
    `\n "detections": ${block(detections, '  ')}\n}\n`;
  JSON.parse(text); // well-formed
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  console.error(`wrote ${names.length} x 2 descriptors to ${out} (${text.length} bytes)`);
}

main().catch((e) => { console.error(e); process.exit(1); });
