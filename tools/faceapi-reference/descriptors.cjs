#!/usr/bin/env node
/*
 * descriptors.cjs: face-api.js's 128-D face descriptors (FaceRecognitionNet, dlib's ResNet) for
 * 150x150 RGB chips, computed by face-api.js itself (@vladmandic/face-api 1.7.15, tfjs 4.22.0,
 * wasm backend). ConvKit's Java rebuild of the network (org.convkit.face.FaceEncoder) must match
 * these numbers.
 *
 * Usage (from tools/faceapi-reference, after `npm install`):
 *
 *   node descriptors.cjs golden <faces-dir> <out.json>
 *       The golden set committed as src/test/resources/org/convkit/face/golden/descriptors.json:
 *       the chips defined in GOLDEN_DEFINITION below (3 synthetic chips from integer formulas and 6
 *       ORL faces read from <faces-dir>, e.g. ../../../shared/data/faces), one
 *       computeFaceDescriptor call per chip (batch of 1). Writes each chip's definition, the sum of
 *       its values (so a mismatch can be blamed on the input or on the network) and its descriptor.
 *
 *   node descriptors.cjs file <chips.f32> <out.json>
 *       Any chips: <chips.f32> holds N x 150 x 150 x 3 little-endian float32 values 0..255 in HWC
 *       order (row y, column x, channel R,G,B), chip after chip. Writes {"descriptors": [[128], ...]}.
 *
 *   node descriptors.cjs bench [batch sizes, default 1,8,32] [seconds per size, default 10]
 *       Descriptors per second of face-api.js on wasm: computeFaceDescriptor on an array of
 *       N 150x150x3 tensors (face-api runs them as one batch), after one warm-up call.
 *
 * Descriptors are printed with 9 significant digits, which round-trips float32 exactly.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const SIZE = 150;
const MODEL_DIR = path.join(__dirname, 'node_modules', '@vladmandic', 'face-api', 'model');

const GOLDEN_DEFINITION = [
  'Each chip is 150 x 150 x 3: value(x, y, c) for column x, row y, channel c (0 R, 1 G, 2 B), 0..255;',
  'face-api receives it as a [150, 150, 3] tensor (row y, column x, channel c).',
  'ramp-k (k = 0, 1): value = (7x + 13y + 29c + 31k) mod 256.',
  'smooth: c = 0: floor(255 ((x - 75)^2 + (y - 75)^2) / 11250); c = 1: floor(255 (x + 2y) / 447);',
  'c = 2: floor(255 (149 - x + y) / 298).',
  'orl-sN-M: ORL face sN/M.pgm (92 x 112, 8-bit) by nearest neighbour, the same value in all three',
  'channels: value = pgm[row floor(112y / 150)][column floor(92x / 150)] (integer division).',
].join(' ');

const ORL_FACES = ['s1/1', 's1/2', 's2/1', 's3/5', 's10/3', 's20/10'];

function rampChip(k) {
  const v = new Float32Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++)
      for (let c = 0; c < 3; c++) v[(y * SIZE + x) * 3 + c] = (7 * x + 13 * y + 29 * c + 31 * k) % 256;
  return v;
}

function smoothChip() {
  const v = new Float32Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3;
      v[i] = Math.floor((255 * ((x - 75) * (x - 75) + (y - 75) * (y - 75))) / 11250);
      v[i + 1] = Math.floor((255 * (x + 2 * y)) / 447);
      v[i + 2] = Math.floor((255 * (149 - x + y)) / 298);
    }
  return v;
}

/** Reads a binary (P5) PGM with maxval < 256: { width, height, pixels }. */
function readPgm(file) {
  const bytes = fs.readFileSync(file);
  let pos = 0;
  const token = () => {
    for (;;) {
      while (/\s/.test(String.fromCharCode(bytes[pos]))) pos++;
      if (bytes[pos] === 0x23) while (bytes[pos] !== 0x0a) pos++; // comment
      else break;
    }
    const start = pos;
    while (!/\s/.test(String.fromCharCode(bytes[pos]))) pos++;
    return bytes.toString('latin1', start, pos);
  };
  if (token() !== 'P5') throw new Error(`${file}: not a binary PGM (P5)`);
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (maxval > 255) throw new Error(`${file}: 16-bit PGM not supported`);
  pos++; // the single whitespace after maxval
  const pixels = bytes.subarray(pos, pos + width * height);
  if (pixels.length !== width * height) throw new Error(`${file}: truncated`);
  return { width, height, pixels };
}

function orlChip(file) {
  const { width, height, pixels } = readPgm(file);
  const v = new Float32Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    const row = Math.floor((y * height) / SIZE);
    for (let x = 0; x < SIZE; x++) {
      const p = pixels[row * width + Math.floor((x * width) / SIZE)];
      for (let c = 0; c < 3; c++) v[(y * SIZE + x) * 3 + c] = p;
    }
  }
  return v;
}

async function loadFaceApi() {
  require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-wasm');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  await faceapi.tf.setBackend('wasm');
  await faceapi.tf.ready();
  await faceapi.nets.faceRecognitionNet.loadFromDisk(MODEL_DIR);
  return faceapi;
}

/** Descriptors of chips (Float32Array each, HWC), as one batch (an array input) or one chip. */
async function describe(faceapi, chips) {
  const tensors = chips.map((c) => faceapi.tf.tensor3d(c, [SIZE, SIZE, 3], 'float32'));
  try {
    const out = await faceapi.computeFaceDescriptor(tensors.length === 1 ? tensors[0] : tensors);
    return tensors.length === 1 ? [out] : out;
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

const round = (d) => Array.from(d, (v) => Number(v.toPrecision(9)));
const sum = (chip) => chip.reduce((s, v) => s + v, 0);

async function golden(facesDir, out) {
  const chips = [
    { name: 'ramp-k0', values: rampChip(0) },
    { name: 'ramp-k1', values: rampChip(1) },
    { name: 'smooth', values: smoothChip() },
    ...ORL_FACES.map((f) => ({
      name: `orl-${f.replace('/', '-')}`, file: `${f}.pgm`, values: orlChip(path.join(facesDir, `${f}.pgm`)),
    })),
  ];
  const faceapi = await loadFaceApi();
  const result = [];
  for (const chip of chips) {
    const [d] = await describe(faceapi, [chip.values]);
    result.push({ name: chip.name, ...(chip.file ? { orlFile: chip.file } : {}), valueSum: sum(chip.values), descriptor: round(d) });
  }
  // Batched run, for information: face-api's batch result against the single-chip results.
  const batched = await describe(faceapi, chips.map((c) => c.values));
  let maxDiff = 0;
  batched.forEach((d, i) => d.forEach((v, j) => { maxDiff = Math.max(maxDiff, Math.abs(v - result[i].descriptor[j])); }));
  console.error(`batch of ${chips.length} vs one at a time: max abs difference ${maxDiff}`);
  const json = {
    generator: 'tools/faceapi-reference/descriptors.cjs golden',
    reference: `@vladmandic/face-api ${require('@vladmandic/face-api/package.json').version}, ` +
      `@tensorflow/tfjs ${faceapi.tf.version_core}, backend ${faceapi.tf.getBackend()}, ` +
      `computeFaceDescriptor on one chip at a time, weights model/face_recognition_model`,
    inputs: GOLDEN_DEFINITION,
    chips: result,
  };
  // One line per chip: readable diffs without 128 lines per descriptor.
  const text = JSON.stringify({ ...json, chips: [] }, null, 1)
    .replace('"chips": []', `"chips": [\n${json.chips.map((c) => `  ${JSON.stringify(c)}`).join(',\n')}\n ]`);
  fs.writeFileSync(out, `${text}\n`);
  console.error(`wrote ${result.length} descriptors to ${out}`);
}

async function fromFile(input, out) {
  const bytes = fs.readFileSync(input);
  const per = SIZE * SIZE * 3 * 4;
  if (bytes.length === 0 || bytes.length % per !== 0) throw new Error(`${input}: ${bytes.length} bytes is not a multiple of 150*150*3 float32`);
  const chips = [];
  for (let off = 0; off < bytes.length; off += per) {
    const v = new Float32Array(SIZE * SIZE * 3);
    for (let i = 0; i < v.length; i++) v[i] = bytes.readFloatLE(off + 4 * i);
    chips.push(v);
  }
  const faceapi = await loadFaceApi();
  const descriptors = [];
  for (const c of chips) descriptors.push(round((await describe(faceapi, [c]))[0]));
  fs.writeFileSync(out, `${JSON.stringify({ descriptors })}\n`);
}

async function bench(sizes, seconds) {
  const faceapi = await loadFaceApi();
  console.log(`face-api ${require('@vladmandic/face-api/package.json').version}, tfjs ${faceapi.tf.version_core}, ` +
    `backend ${faceapi.tf.getBackend()}, simd ${await faceapi.tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, ` +
    `threads ${await faceapi.tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') ? 'yes' : 'no (single thread)'}`);
  for (const n of sizes) {
    const chips = Array.from({ length: n }, (_, i) => rampChip(i));
    await describe(faceapi, chips); // warm-up
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      await describe(faceapi, chips);
      calls++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < seconds);
    console.log(`batch ${n}: ${((calls * n) / elapsed).toFixed(1)} descriptors/s (${calls} calls, ${(elapsed / calls * 1000).toFixed(1)} ms/call)`);
  }
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'golden' && args.length === 2) return golden(args[0], args[1]);
  if (mode === 'file' && args.length === 2) return fromFile(args[0], args[1]);
  if (mode === 'bench') return bench((args[0] || '1,8,32').split(',').map(Number), Number(args[1] || 10));
  console.error('usage: node descriptors.cjs golden <faces-dir> <out.json> | file <chips.f32> <out.json> | bench [1,8,32] [seconds]');
  process.exit(2);
}

main().catch((e) => { console.error(e); process.exit(1); });
