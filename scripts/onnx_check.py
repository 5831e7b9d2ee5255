#!/usr/bin/env python3
"""Checks ONNX files with ONNX's own checker (full_check: shapes inferred through the graph).

Usage: /usr/bin/python3 scripts/onnx_check.py FILE.onnx...  (Debian: apt-get install python3-onnx)
Prints one line per file; exits 1 when any file fails.
"""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
        outputs = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in inferred.graph.output}
        print(f"{path}: ok (IR {model.ir_version}, opset {model.opset_import[0].version}, {len(model.graph.node)} nodes, outputs {outputs})")
    except Exception as e:  # noqa: BLE001 - one line per file, whatever the checker raises
        failed += 1
        print(f"{path}: FAILED: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
sys.exit(1 if failed else 0)
