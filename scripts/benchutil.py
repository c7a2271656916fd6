"""What the benchmark scripts share: running the launcher with a capped heap, timing it, peak RSS."""
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = str(ROOT / "isptool")


def run(cmd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS of any child so far in KiB, stdout). Exits on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over all children so far
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stdout}\n{p.stderr}")
    return dt, max(rss, before), p.stdout


def image_model(nodes, name, inp, out, shape, inits, producer):
    """An opset-17 ONNX model of nodes from float input inp to output out, both of shape."""
    from onnx import TensorProto, helper
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info(inp, TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name=producer)
    model.ir_version = 8
    return model


def build():
    """Builds the jar once, outside any timing."""
    subprocess.run([LAUNCHER, "--version"], check=True, capture_output=True)


def synthetic_model(work, blocks, channels):
    """The large synthetic RepVGG model of the reparam benchmark, generated on first use."""
    model = Path(work) / f"synthetic_repvgg_{blocks}x{channels}.onnx"
    if not model.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_synthetic_repvgg.py"), str(model),
                        "--blocks", str(blocks), "--channels", str(channels)], check=True)
    return model
