// onnxruntime-node 1.17 publishes no type declarations; its entry re-exports onnxruntime-common's API, which does.
declare module 'onnxruntime-node' {
  export * from 'onnxruntime-common';
}
