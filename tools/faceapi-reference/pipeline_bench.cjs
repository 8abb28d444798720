#!/usr/bin/env node
/*
 * pipeline_bench.cjs: face-api.js's end-to-end face pipeline speed, the reference for
 * `convkit bench faces`: detectAllFaces (TinyFaceDetector, inputSize 416, score 0.5)
 * .withFaceLandmarks().withFaceDescriptors() over the frames of a raw RGB stack, on wasm.
 *
 * Usage (from tools/faceapi-reference, after `npm install`):
 *   node pipeline_bench.cjs FRAMES.rgb WIDTH HEIGHT FRAME_COUNT [ROUNDS, default 3]
 * FRAMES.rgb: FRAME_COUNT frames of WIDTH x HEIGHT x 3 bytes (R, G, B), row after row.
 * Prints: "faces <n> seconds <s> faces_per_second <f>" for the median round (one round = all frames).
 */
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const MODEL_DIR = path.join(__dirname, 'node_modules', '@vladmandic', 'face-api', 'model');

async function main() {
  const [file, width, height, count, rounds = '3'] = process.argv.slice(2);
  const w = Number(width), h = Number(height), n = Number(count);
  const bytes = new Uint8Array(fs.readFileSync(file));
  if (bytes.length !== w * h * 3 * n) throw new Error(`${file}: ${bytes.length} bytes, expected ${n} frames of ${w}x${h}x3`);
  await faceapi.tf.setBackend('wasm');
  await faceapi.tf.ready();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(MODEL_DIR);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(MODEL_DIR);
  const frames = [];
  for (let i = 0; i < n; i++) {
    frames.push(faceapi.tf.tensor3d(bytes.subarray(i * w * h * 3, (i + 1) * w * h * 3), [h, w, 3], 'int32'));
  }
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
  const round = async () => {
    let faces = 0;
    for (const frame of frames) faces += (await faceapi.detectAllFaces(frame, options).withFaceLandmarks().withFaceDescriptors()).length;
    return faces;
  };
  await round(); // warm-up
  const times = [];
  let faces = 0;
  for (let r = 0; r < Number(rounds); r++) {
    const start = process.hrtime.bigint();
    faces = await round();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)];
  console.log(`faces ${faces} seconds ${seconds.toFixed(4)} faces_per_second ${(faces / seconds).toFixed(3)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
