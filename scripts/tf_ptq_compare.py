#!/usr/bin/env python3
"""TensorFlow's own post-training quantization (through onnx2tf) beside isptool's, on the same folded graph.

For every net of quant_quality.NETS:
  1. `./isptool reparam` folds the training-form ONNX into a temporary file (the folded graph);
  2. onnx2tf converts a COPY of that file (it rewrites its input) and TensorFlow's converter
     quantizes it: int8 full integer with float32 inputs/outputs (`*_full_integer_quant.tflite`,
     -iqd/-oqd float32) and int16 activations with int8 weights (`*_integer_quant_with_int16_act.tflite`),
     calibrated with -cind on an NHWC .npy made from the same calibration images isptool gets;
  3. `./isptool convert` quantizes the same folded file at int8 and int16x8 (its defaults) with
     the same calibration images and options (--bayer for RAW nets);
  4. every .tflite runs in the same LiteRT interpreter (TFLite's built-in kernels, no default
     delegate) on the held-out image, and onnxruntime runs the folded ONNX in float32; the PSNR is
     10 log10(range^2 / MSE) with range = max - min of the float32 output, as isptool reports it.

The calibration samples, the held-out sample (the last of each folder; PNG images or .npy tensors) and
the 16-bit / Bayer handling come from quant_quality.py. isptool writes NHWC rank-4 inputs and outputs
(its default --io-layout). onnx2tf writes NHWC rank-4 inputs (checked by shape; a shape that fits both
layouts or neither fails the cell) and NHWC or NCHW rank-4 outputs: which one is not guessed from the
shape (acnet's and mobileone's [1, 16, 16, 16] fit both) but measured, by running onnx2tf's float32
model on the held-out sample and keeping the layout in which it matches onnxruntime (PSNR above 60 dB in
exactly one of them, else the cell fails). Outputs of other ranks (mobilenet_v2's [1, 10] logits) are
compared as they are.
A failed cell is printed as "failed: reason" and the reason is also written to stderr.

Pinned versions (checked at start; a mismatch stops the script), Python 3.11:
    onnx2tf==1.29.24 tensorflow==2.19.0 tf-keras==2.19.0 ai-edge-litert==2.1.0 onnx==1.19.1
    onnxruntime==1.23.0 onnxsim==0.4.36 onnx-graphsurgeon==0.5.8 sng4onnx==1.0.5 psutil==5.9.5
    numpy==1.26.4 (onnx2tf 1.29.24 pins all of these except sng4onnx) and Pillow.
Install them in a virtual environment, not beside the project's own Python packages:
    python3 -m venv ENV && ENV/bin/pip install onnx2tf==1.29.24 sng4onnx==1.0.5 pillow
Usage: ENV/bin/python scripts/tf_ptq_compare.py [NET ...]
"""
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quant_quality import NETS, ROOT, held_out_tensor, samples, table  # noqa: E402

PINNED = {
    "onnx2tf": "1.29.24", "tensorflow": "2.19.0", "tf-keras": "2.19.0", "ai-edge-litert": "2.1.0",
    "onnx": "1.19.1", "onnxruntime": "1.23.0", "onnxsim": "0.4.36", "onnx-graphsurgeon": "0.5.8",
    "sng4onnx": "1.0.5", "psutil": "5.9.5", "numpy": "1.26.4",
}
COLUMNS = ["TF int8", "isptool int8", "TF 16x8", "isptool 16x8"]
TF_FILES = {"TF int8": "_full_integer_quant.tflite", "TF 16x8": "_integer_quant_with_int16_act.tflite"}
TF_FLOAT = "_float32.tflite"  # onnx2tf's unquantized model: tells which layout its output has
LAYOUT_MATCH_DB = 60.0
ISPTOOL_PRECISION = {"isptool int8": "int8", "isptool 16x8": "int16x8"}


class CellFailure(Exception):
    """One cell of the table could not be measured; the message is the reason printed in it."""


def check_versions():
    wrong = []
    for name, want in PINNED.items():
        try:
            have = metadata.version(name)
        except metadata.PackageNotFoundError:
            have = "missing"
        if have != want:
            wrong.append(f"{name} {have} (want {want})")
    if wrong:
        sys.exit("tf_ptq_compare: wrong package versions: " + ", ".join(wrong)
                 + "; install the pinned ones (see this script's docstring)")


def last_error(text):
    """The last exception line of a tool's output, else the last line saying error or failed, else its last
    line; colours removed."""
    lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines() if line.strip()]
    raised = [line for line in lines if re.match(r"[\w.]*(Error|Exception)\b", line)]  # a traceback's last line
    errors = [line for line in lines if re.search(r"error|failed", line, re.IGNORECASE)]
    return (raised or errors or lines or ["no output"])[-1]


def run(cmd, what, log, cwd=None):
    """Runs cmd, keeps its output in log; a non-zero exit raises CellFailure naming the error."""
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    log.write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise CellFailure(f"{what} exit {done.returncode}: {last_error(done.stderr or done.stdout)}")


def cell_text(failure):
    return "failed: " + " ".join(str(failure).replace("|", "/").split())[:160]


def nchw_to_nhwc(x):
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1))


def psnr(reference, actual):
    reference, actual = reference.astype(np.float64), actual.astype(np.float64)
    mse = np.mean((reference - actual) ** 2)
    span = reference.max() - reference.min()
    return float("inf") if mse == 0 else 10 * np.log10(span * span / mse)


def input_layout(detail, nchw_shape):
    """'NHWC' or 'NCHW': the one layout whose shape the TFLite input has (rank 4), else 'as is'.
    Where both layouts give the same shape (C equal to H or W) the layout is not guessed: the cell fails."""
    check_float32(detail, "input")
    shape = tuple(int(d) for d in detail["shape"])
    if len(nchw_shape) != 4:
        return "as is"
    fits = [name for name, want in (("NHWC", tuple(nchw_shape[i] for i in (0, 2, 3, 1))), ("NCHW", tuple(nchw_shape)))
            if shape == want]
    if len(fits) != 1:
        raise CellFailure(f"input shape {list(shape)} is {'both NHWC and NCHW' if fits else 'neither NHWC nor NCHW'}"
                          f" of ONNX {list(nchw_shape)}")
    return fits[0]


def check_float32(detail, side):
    if detail["dtype"] != np.float32:
        raise CellFailure(f"{side} type {np.dtype(detail['dtype']).name}, expected float32")


def as_nchw(y, layout, reference_shape):
    """The TFLite output y in the ONNX layout, given the layout it was written in."""
    y = y.transpose(0, 3, 1, 2) if layout == "NHWC" else y
    if y.shape != tuple(reference_shape):
        raise CellFailure(f"output {list(y.shape if layout != 'NHWC' else y.transpose(0, 2, 3, 1).shape)} fits neither"
                          f" NHWC nor NCHW of the ONNX {list(reference_shape)}")
    return y


def tflite_output(model, x_nchw, output_layout, reference_shape):
    """Runs model on the NCHW input in LiteRT's built-in kernels; returns its single output in the ONNX
    layout, read as output_layout ('NHWC', 'NCHW' or 'as is')."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interpreter = Interpreter(model_path=str(model),
                              experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    inputs, outputs = interpreter.get_input_details(), interpreter.get_output_details()
    if len(inputs) != 1 or len(outputs) != 1:
        raise CellFailure(f"{model.name}: {len(inputs)} inputs, {len(outputs)} outputs (expected 1 and 1)")
    if input_layout(inputs[0], x_nchw.shape) == "NHWC":
        x_nchw = nchw_to_nhwc(x_nchw)
    check_float32(outputs[0], "output")
    try:
        interpreter.allocate_tensors()
        interpreter.set_tensor(inputs[0]["index"], x_nchw)
        interpreter.invoke()
    except (RuntimeError, ValueError) as e:  # a kernel that refuses the model's types or shapes
        raise CellFailure(f"LiteRT {model.name}: {str(e).split('Node number')[0].strip()}") from None
    return as_nchw(interpreter.get_tensor(outputs[0]["index"]), output_layout, reference_shape)


def tf_output_layout(float_model, x, reference):
    """The layout of onnx2tf's rank-4 output, measured: its float32 model matches onnxruntime in exactly one."""
    if reference.ndim != 4:
        return "as is"
    if not float_model.exists():
        raise CellFailure(f"{float_model.name} not written: the output layout cannot be measured")
    matching, misfits = [], []
    for layout in ("NHWC", "NCHW"):
        try:
            if psnr(reference, tflite_output(float_model, x, layout, reference.shape)) > LAYOUT_MATCH_DB:
                matching.append(layout)
        except CellFailure as e:
            misfits.append(e)  # the shape does not fit this layout
    if len(misfits) == 2:
        raise CellFailure(f"onnx2tf's model: {misfits[0]}")
    if len(matching) != 1:
        raise CellFailure(f"onnx2tf's float32 output matches onnxruntime in {' and '.join(matching) or 'neither'}"
                          f" of NHWC and NCHW (above {LAYOUT_MATCH_DB:.0f} dB)")
    return matching[0]


def float_reference(folded, x):
    import onnxruntime as ort

    session = ort.InferenceSession(str(folded), providers=["CPUExecutionProvider"])
    (name,) = [i.name for i in session.get_inputs()]
    outputs = session.run(None, {name: x})
    if len(outputs) != 1:
        raise CellFailure(f"{folded.name}: {len(outputs)} outputs (expected 1)")
    return outputs[0]


def tf_ptq(folded, input_name, calibration_nhwc, work, log):
    """onnx2tf on a copy of the folded ONNX with TF's PTQ calibrated on calibration_nhwc; {column: .tflite}."""
    copy = work / "tf_input.onnx"
    shutil.copyfile(folded, copy)
    calib = work / "tf_calib.npy"
    np.save(calib, calibration_nhwc)
    channels = calibration_nhwc.shape[-1]
    zeros, ones = [[[[0.0] * channels]]], [[[[1.0] * channels]]]  # samples are used as they are
    if channels == 3:
        # For a 3-channel image input onnx2tf runs its own conversion check on sample images that it
        # downloads unless this file is in its working directory: give it the calibration images.
        np.save(work / "calibration_image_sample_data_20x128x128x3_float32.npy", calibration_nhwc)
    out = work / "tf"
    run([str(Path(sys.executable).parent / "onnx2tf"), "-i", str(copy), "-o", str(out), "-oiqt",
         "-cind", input_name, str(calib), str(zeros), str(ones), "-iqd", "float32", "-oqd", "float32"],
        "onnx2tf", log, cwd=work)
    return {column: out / ("tf_input" + suffix) for column, suffix in TF_FILES.items()}, out / ("tf_input" + TF_FLOAT)


def compare(net, work):
    """The net's row: {column: PSNR text or 'failed: reason'}."""
    folder, extra = NETS[net]
    files = samples(folder)
    calibration, held = files[:-1], files[-1]
    bayer = "--bayer" in extra
    x = held_out_tensor(held, bayer)
    held_npy = work / "heldout.npy"
    np.save(held_npy, x)
    folded = work / f"{net}.folded.onnx"
    try:
        run([str(ROOT / "isptool"), "reparam", str(ROOT / "testdata" / f"{net}.onnx"), "-o", str(folded),
             "--verify-input", str(held_npy)], "isptool reparam", work / "reparam.log")
        reference = float_reference(folded, x)
    except CellFailure as e:
        return {column: cell_text(e) for column in COLUMNS}

    models, layouts = {}, {column: "NHWC" if reference.ndim == 4 else "as is" for column in ISPTOOL_PRECISION}
    try:
        import onnx

        input_name = onnx.load(str(folded)).graph.input[0].name
        calibration_nhwc = np.concatenate([nchw_to_nhwc(held_out_tensor(sample, bayer)) for sample in calibration])
        tf_models, tf_float = tf_ptq(folded, input_name, calibration_nhwc, work, work / "onnx2tf.log")
        models.update(tf_models)
        layouts.update(dict.fromkeys(TF_FILES, tf_output_layout(tf_float, x, reference)))
        print(f"{net}: onnx2tf's output layout {layouts['TF int8']} (measured on its float32 model)", file=sys.stderr)
    except CellFailure as e:
        models.update({column: e for column in TF_FILES})
    for column, precision in ISPTOOL_PRECISION.items():
        out = work / f"isptool_{precision}.tflite"
        try:
            run([str(ROOT / "isptool"), "convert", str(folded), "-o", str(out), "--precision", precision,
                 "--verify-input", str(held_npy), "--calibration", *map(str, calibration), *extra],
                f"isptool convert --precision {precision}", work / f"convert_{precision}.log")
            models[column] = out
        except CellFailure as e:
            models[column] = e

    row = {}
    for column in COLUMNS:
        try:
            model = models[column]
            if isinstance(model, CellFailure):
                raise model
            if not model.exists():  # onnx2tf reports a failed quantization and still exits 0
                raise CellFailure(f"{model.name} not written; onnx2tf: {last_error((work / 'onnx2tf.log').read_text())}")
            row[column] = f"{psnr(reference, tflite_output(model, x, layouts[column], reference.shape)):.1f}"
        except CellFailure as e:
            row[column] = cell_text(e)
    for column, text in row.items():
        if text.startswith("failed"):
            print(f"{net} {column}: {text}", file=sys.stderr)
    return row


def main():
    check_versions()
    nets = sys.argv[1:] or list(NETS)
    unknown = [net for net in nets if net not in NETS]
    if unknown:
        sys.exit(f"tf_ptq_compare: unknown net {', '.join(unknown)}; known: {', '.join(NETS)}")
    rows = {}
    for net in nets:
        with tempfile.TemporaryDirectory() as tmp:
            rows[net] = compare(net, Path(tmp))
        print(f"{net}: " + ", ".join(f"{c} {rows[net][c]}" for c in COLUMNS), file=sys.stderr, flush=True)
    table(rows, COLUMNS)


if __name__ == "__main__":
    main()
