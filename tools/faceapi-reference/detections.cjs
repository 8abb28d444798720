/*
 * Golden numbers for ConvKit's face detector and 68-point landmarks, computed by face-api.js itself.
 *
 * Usage (from this folder, after `npm install`):
 *   node detections.cjs [--data ../../../shared/data] [--out ../../src/test/resources/org/convkit/face/golden/detections.json]
 *   node detections.cjs --bench FILE.rgb WIDTH HEIGHT [RUNS]    time detectAllFaces(...).withFaceLandmarks()
 *
 * Models: the weight files ConvKit ships (src/main/resources/org/convkit/face/model), loaded by
 * face-api 1.7.15 on tfjs 4.22 with the wasm backend.
 *
 * Inputs (all fed to face-api as float32 tensors [height, width, 3] of 0..255 values, so no image
 * decoder differs between face-api and ConvKit):
 *   synthetic, always reproducible: pattern(x, y, c) = (floor((x*x + 2*y*y) / 16) + 3*x + 37*c) mod 256
 *     - detector_224:    224x224 pattern, tinyFaceDetector.forward(input, 224): raw output [7, 7, 25] (NHWC)
 *     - detector_300x200: 300x200 pattern, forward(input, 224): same, through face-api's padding and resize
 *     - landmarks_112:   112x112 pattern, faceLandmark68Net.runNet: the raw 136 outputs
 *     - landmarks_150x131: 150x131 pattern, faceLandmark68Net.detectLandmarks: 68 positions in pixels
 *     - detector_input_300x200, landmark_input_150x131, landmark_input_77x90: face-api's network
 *       inputs (NetInput.toBatchTensor: padding, resizing) as sums over each row and column per channel
 *     - uniform_128:     320x240 of 128, detectAllFaces: expected no face
 *   real images from the shared data folder (--data; required), detectAllFaces(input,
 *   TinyFaceDetectorOptions{inputSize, scoreThreshold}).withFaceLandmarks(), each written with its
 *   definition, size, inputSize and scoreThreshold: astronaut (416, 0.5 and 224, 0.3), coffee and
 *   chelsea (416, 0.5: no face), three single ORL faces and a row of three (416, 0.5):
 *     - style/photos/*.png decoded to 8-bit RGB by ImageMagick (`convert FILE -depth 8 rgb:-`);
 *     - ORL faces (faces/sN/K.pgm, 92x112 grey, P5) pasted into a canvas of grey 128 at the given
 *       offsets, grey replicated to R, G and B.
 *   Each image records the CRC-32 of its RGB bytes (row by row, R G B interleaved) so a test can check
 *   that it rebuilt the identical input.
 *
 * Output: JSON with face-api's boxes (x, y, width, height in image pixels), scores and 68 landmark
 * positions (image pixels) per face, in face-api's order (non-maximum suppression: highest score first).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const tf = faceapi.tf;
const ROOT = path.resolve(__dirname, '..', '..');
const MODELS = path.join(ROOT, 'src', 'main', 'resources', 'org', 'convkit', 'face', 'model');

function pattern(x, y, c) {
  return (Math.floor((x * x + 2 * y * y) / 16) + 3 * x + 37 * c) % 256;
}

/** RGB bytes (HWC) of a synthetic image. */
function synthetic(width, height, fn) {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = fn(x, y, c);
  return rgb;
}

function tensor(rgb, width, height) {
  return tf.tensor3d(Float32Array.from(rgb), [height, width, 3], 'float32');
}

function readPgm(file) {
  const data = fs.readFileSync(file);
  const tokens = [];
  let i = 0;
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(data[i]))) i++;
    if (data[i] === 0x23) { while (data[i] !== 0x0a) i++; continue; } // comment
    let token = '';
    while (!/\s/.test(String.fromCharCode(data[i]))) token += String.fromCharCode(data[i++]);
    tokens.push(token);
  }
  i++; // one whitespace after maxval
  if (tokens[0] !== 'P5' || tokens[3] !== '255') throw new Error(`${file}: expected an 8-bit binary PGM`);
  const width = Number(tokens[1]);
  const height = Number(tokens[2]);
  return { width, height, grey: data.subarray(i, i + width * height) };
}

/** ORL faces pasted into a grey canvas: faces = [[file, x, y], ...]. */
function orlCanvas(data, width, height, faces) {
  const rgb = new Uint8Array(width * height * 3).fill(128);
  for (const [file, ox, oy] of faces) {
    const face = readPgm(path.join(data, 'faces', file));
    for (let y = 0; y < face.height; y++) for (let x = 0; x < face.width; x++) {
      const v = face.grey[y * face.width + x];
      for (let c = 0; c < 3; c++) rgb[((oy + y) * width + ox + x) * 3 + c] = v;
    }
  }
  return rgb;
}

function decodeWithImageMagick(file) {
  const size = execFileSync('identify', ['-format', '%w %h', file]).toString().trim().split(' ').map(Number);
  const rgb = new Uint8Array(execFileSync('convert', [file, '-depth', '8', 'rgb:-'], { maxBuffer: 1 << 28 }));
  if (rgb.length !== size[0] * size[1] * 3) throw new Error(`${file}: decoded ${rgb.length} bytes, expected ${size[0]}x${size[1]}x3`);
  return { width: size[0], height: size[1], rgb };
}

const round = (v) => Number(v.toPrecision(9));

async function detectAll(rgb, width, height, inputSize, scoreThreshold) {
  const input = tensor(rgb, width, height);
  const results = await faceapi.detectAllFaces(input, new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold })).withFaceLandmarks();
  input.dispose();
  return results.map((r) => ({
    box: { x: round(r.detection.box.x), y: round(r.detection.box.y), width: round(r.detection.box.width), height: round(r.detection.box.height) },
    score: round(r.detection.score),
    landmarks: r.landmarks.positions.map((p) => [round(p.x), round(p.y)]),
  }));
}

async function loadModels() {
  await tf.setBackend('wasm');
  await tf.ready();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(MODELS);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(MODELS);
}

async function golden(data, out) {
  await loadModels();
  const raw = {};
  for (const [name, width, height, inputSize] of [['detector_224', 224, 224, 224], ['detector_300x200', 300, 200, 224]]) {
    const input = tensor(synthetic(width, height, pattern), width, height);
    const output = await faceapi.nets.tinyFaceDetector.forward(input, inputSize);
    raw[name] = { width, height, inputSize, shape: output.shape.slice(1), layout: 'NHWC', values: Array.from(output.dataSync(), round) };
    input.dispose();
    output.dispose();
  }
  {
    const input = tensor(synthetic(112, 112, pattern), 112, 112);
    const netInput = await faceapi.toNetInput(input);
    const output = faceapi.nets.faceLandmark68Net.runNet(netInput);
    raw.landmarks_112 = { width: 112, height: 112, values: Array.from(output.dataSync(), round) };
    input.dispose();
    output.dispose();
  }
  {
    const input = tensor(synthetic(150, 131, pattern), 150, 131);
    const landmarks = await faceapi.nets.faceLandmark68Net.detectLandmarks(input);
    raw.landmarks_150x131 = { width: 150, height: 131, positions: landmarks.positions.map((p) => [round(p.x), round(p.y)]) };
    input.dispose();
  }

  // face-api's network inputs (NetInput.toBatchTensor: padding to a square, resizing) summed over each
  // row and each column per channel: the detector's for the 300x200 pattern at 224 (padding at the
  // bottom), the landmark net's for the 150x131 and 77x90 patterns (centred padding, odd difference;
  // shrinking and enlarging) at 112.
  const inputs = [['detector_input_300x200', 300, 200, 224, false], ['landmark_input_150x131', 150, 131, 112, true], ['landmark_input_77x90', 77, 90, 112, true]];
  for (const [name, width, height, size, centre] of inputs) {
    const input = tensor(synthetic(width, height, pattern), width, height);
    const netInput = await faceapi.toNetInput(input);
    const batch = netInput.toBatchTensor(size, centre);
    const values = batch.dataSync();
    const rows = new Float64Array(3 * size);
    const columns = new Float64Array(3 * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
      const v = values[(y * size + x) * 3 + c];
      rows[c * size + y] += v;
      columns[c * size + x] += v;
    }
    raw[name] = { width, height, size, centre, rowSums: Array.from(rows, round), columnSums: Array.from(columns, round) };
    input.dispose();
    batch.dispose();
  }

  const images = [];
  const add = async (name, definition, image, inputSize, scoreThreshold) => {
    const faces = await detectAll(image.rgb, image.width, image.height, inputSize, scoreThreshold);
    images.push({
      name, definition, width: image.width, height: image.height, crc32: zlib.crc32(image.rgb), inputSize, scoreThreshold, faces,
    });
    console.error(`${name}: ${faces.length} face(s)`);
  };
  await add('uniform_128', { synthetic: 'uniform', value: 128 }, { width: 320, height: 240, rgb: new Uint8Array(320 * 240 * 3).fill(128) }, 416, 0.5);
  if (data && fs.existsSync(path.join(data, 'faces')) && fs.existsSync(path.join(data, 'style', 'photos'))) {
    for (const [file, inputSize, scoreThreshold] of [['astronaut.png', 416, 0.5], ['astronaut.png', 224, 0.3], ['coffee.png', 416, 0.5], ['chelsea.png', 416, 0.5]]) {
      const image = decodeWithImageMagick(path.join(data, 'style', 'photos', file));
      await add(`${file.replace('.png', '')}_${inputSize}`, { file: `style/photos/${file}` }, image, inputSize, scoreThreshold);
    }
    const canvases = [
      ['orl_s1_1', 200, 200, [['s1/1.pgm', 54, 44]]],
      ['orl_s5_3', 200, 200, [['s5/3.pgm', 54, 44]]],
      ['orl_s12_7', 200, 200, [['s12/7.pgm', 54, 44]]],
      ['orl_row', 400, 160, [['s2/1.pgm', 10, 24], ['s7/4.pgm', 154, 24], ['s20/9.pgm', 298, 24]]],
    ];
    for (const [name, width, height, faces] of canvases) {
      const image = { width, height, rgb: orlCanvas(data, width, height, faces) };
      await add(name, { canvas: [width, height], background: 128, faces: faces.map(([file, x, y]) => ({ file: `faces/${file}`, x, y })) }, image, 416, 0.5);
    }
  }
  else {
    throw new Error(`shared data not found at ${data} (faces/, style/photos/): pass --data DIR; the golden file needs the real images`);
  }

  const json = {
    description: 'Golden numbers from face-api.js for ConvKit\'s face detector and landmarks; made by tools/faceapi-reference/detections.cjs (see its header for the inputs).',
    faceapi: faceapi.version,
    tfjs: tf.version_core,
    backend: tf.getBackend(),
    pattern: '(floor((x*x + 2*y*y) / 16) + 3*x + 37*c) mod 256',
    raw,
    images,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // one line per number array (x, y pairs stay one per line)
  const text = JSON.stringify(json, null, 1).replace(/\[\s+([-+\d.e,\s]+?)\s+\]/g, (m, inner) => `[${inner.split(/,\s*/).join(', ')}]`);
  fs.writeFileSync(out, `${text}\n`);
  console.error(`wrote ${out}`);
}

async function bench(file, width, height, runs) {
  await loadModels();
  const rgb = new Uint8Array(fs.readFileSync(file));
  if (rgb.length !== width * height * 3) throw new Error(`${file}: ${rgb.length} bytes, expected ${width}x${height}x3`);
  const input = tensor(rgb, width, height);
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
  let faces = 0;
  for (let i = 0; i < 3; i++) faces = (await faceapi.detectAllFaces(input, options).withFaceLandmarks()).length; // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await faceapi.detectAllFaces(input, options).withFaceLandmarks();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`face-api ${faceapi.version} tfjs ${tf.version_core} ${tf.getBackend()}: ${width}x${height}, ${faces} face(s), `
    + `median ${times[Math.floor(runs / 2)].toFixed(1)} ms, min ${times[0].toFixed(1)} ms over ${runs} runs (detect + landmarks)`);
}

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
if (args[0] === '--bench') {
  bench(args[1], Number(args[2]), Number(args[3]), Number(args[4] || 20)).catch((e) => { console.error(e); process.exit(1); });
}
else {
  golden(
    path.resolve(option('--data', path.join(ROOT, '..', 'shared', 'data'))),
    path.resolve(option('--out', path.join(ROOT, 'src', 'test', 'resources', 'org', 'convkit', 'face', 'golden', 'detections.json'))),
  ).catch((e) => { console.error(e); process.exit(1); });
}
