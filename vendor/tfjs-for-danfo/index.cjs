// danfojs-node only needs the tensor API; give it the project's one copy of tfjs.
module.exports = require('@tensorflow/tfjs');
