#!/usr/bin/env bash
# ONNX export checked outside the tool (issue 20), run by .ci/run:
#  1. a short model of every architecture (1 epoch on 3,200 images, --normalize), exported at every opset offered
#     (9-13), plain and with --tta flip-shift, and passed through ONNX's checker (scripts/onnx_check.py, python3-onnx);
#  2. samples/OnnxPredict (ONNX Runtime alone) classifies 20 test images with the exported bn-cnn model and must print
#     the classes `lenet-fashion predict --idx` prints.
# Usage: bash scripts/onnx-check.sh [work-dir]   (LENET: the built app host; default: the Debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
lenet=${LENET:-src/LeNetFashion.Cli/bin/Debug/net10.0/lenet-fashion}
[ -x "$lenet" ] || dotnet build src/LeNetFashion.Cli -v q -nologo >/dev/null
data=${LENET_FASHION_DATA:-/usr/share/datasets/fashion-mnist}
files=()
for arch in lenet lenet5 bn-cnn; do
  for tta in none flip-shift; do
    "$lenet" train --arch "$arch" --epochs 1 --limit 3200 --normalize --tta "$tta" --seed 0 --no-tensorboard \
      --data-dir "$data" --output "$work/$arch-$tta" --overwrite >/dev/null
    for opset in 9 10 11 12 13; do
      "$lenet" export --model "$work/$arch-$tta/model.dat" --format onnx --opset "$opset" \
        --out "$work/$arch-$tta-$opset.onnx" --overwrite >/dev/null
      files+=("$work/$arch-$tta-$opset.onnx")
    done
  done
done
/usr/bin/python3 scripts/onnx_check.py "${files[@]}"

# The consumer sample against predict, on 20 test images of the bn-cnn model.
dotnet build samples/OnnxPredict -v q -nologo >/dev/null
for tta in none flip-shift; do
  dotnet samples/OnnxPredict/bin/Debug/net10.0/OnnxPredict.dll "$work/bn-cnn-$tta-13.onnx" \
    --idx "$data/t10k-images-idx3-ubyte.gz" --index 0 --count 20 | sed -E 's/^[^:]*: (.*) \([0-9.]+\)$/\1/' > "$work/sample-$tta.txt"
  "$lenet" predict --model "$work/bn-cnn-$tta/model.dat" --idx "$data/t10k-images-idx3-ubyte.gz" --index 0 --count 20 --json \
    | /usr/bin/python3 -c 'import json,sys; [print(json.loads(l)["class"]) for l in sys.stdin if l.strip()]' > "$work/predict-$tta.txt"
  if ! diff -q "$work/sample-$tta.txt" "$work/predict-$tta.txt" >/dev/null; then
    echo "onnx-check: samples/OnnxPredict and predict disagree (--tta $tta):"; diff "$work/sample-$tta.txt" "$work/predict-$tta.txt"; exit 1
  fi
  echo "onnx-check: samples/OnnxPredict printed the same 20 classes as predict (bn-cnn, --tta $tta): $(sort "$work/sample-$tta.txt" | uniq -c | sort -rn | head -3 | awk '{print $2" "$3"×"$1}' | paste -sd, -)"
done
# Pictures: predict writes 5 test images as the PNGs the model receives (--save-input); the sample and
# predict (--prepare none --invert no: the picture as it is) must agree on them too.
"$lenet" predict --model "$work/bn-cnn-none/model.dat" --idx "$data/t10k-images-idx3-ubyte.gz" --count 5 --save-input "$work/png" >/dev/null
dotnet samples/OnnxPredict/bin/Debug/net10.0/OnnxPredict.dll "$work/bn-cnn-none-13.onnx" "$work"/png/*.png | sed -E 's/^[^:]*: (.*) \([0-9.]+\)$/\1/' > "$work/sample-png.txt"
"$lenet" predict --model "$work/bn-cnn-none/model.dat" --prepare none --invert no --json "$work"/png/*.png \
  | /usr/bin/python3 -c 'import json,sys; [print(json.loads(l)["class"]) for l in sys.stdin if l.strip()]' > "$work/predict-png.txt"
diff "$work/sample-png.txt" "$work/predict-png.txt" || { echo "onnx-check: samples/OnnxPredict and predict disagree on PNG pictures"; exit 1; }
echo "onnx-check: samples/OnnxPredict printed the same classes as predict for 5 PNG pictures"
