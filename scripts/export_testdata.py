#!/usr/bin/env python3
"""Build isptool's training-form test networks in PyTorch, export them to ONNX and write reference
data and the manifest under testdata/.

For every model NAME this writes (paths relative to the repository root):
  testdata/NAME.onnx          TorchScript exporter (dynamo=False), opset 17, default constant folding
  testdata/NAME.dynamo.onnx   torch.export-based exporter (dynamo=True), default opset/optimizer
  testdata/NAME.dynamo_noopt.onnx  the same with optimize=False (BNs unfused, nothing folded)
  testdata/NAME.input.npy     float32 NCHW input, seeded uniform [0, 1)
  testdata/NAME.output.npy    float32 PyTorch eval-mode output for that input
and testdata/models.json (list of entries, one per model).

Every ONNX file is checked in onnxruntime against the PyTorch output (max abs error relative to the
output range must be below 1e-5). A dynamo export that fails or looks wrong is not written; the
reason goes into the manifest entry instead.

Usage:  python3 scripts/export_testdata.py [--only NAME]
Deterministic: the same torch/onnx versions on the same machine reproduce identical files.
"""
import argparse
import collections
import importlib
import inspect
import json
import logging
import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import torch

import models as M

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO / "testdata"
MANIFEST = TESTDATA / "models.json"
TORCHSCRIPT_OPSET = 17
REL_TOLERANCE = 1e-5
# Exporter metadata keys dropped from dynamo exports: the Python stack traces hold absolute paths
# of this machine (and make files differ between checkouts). Other node metadata is kept.
DROPPED_NODE_METADATA = {"pkg.torch.onnx.stack_trace"}

NOTE_TS_BN = ("TorchScript export (eval) fuses every Conv->BN pair into the Conv; BNs after an Add "
              "or on identity branches stay BatchNormalization.")
NOTE_DYNAMO_BN = ("dynamo export with the default optimize=True also fuses Conv->BN pairs "
                  "(onnxscript optimizer; fused initializers keep the PyTorch parameter name, "
                  "e.g. 'x.conv.weight' now holds the fused kernel and 'x.conv.weight_bias' the "
                  "new bias); the dynamo_noopt file (optimize=False) keeps them unfused.")
NOTE_DYNAMO_NOOPT = ("NAME.dynamo_noopt.onnx: dynamo=True with optimize=False, i.e. no onnxscript "
                     "optimizer and no constant folding (what older torch versions also emit): "
                     "every BN (if any) stays BatchNormalization; a Conv without bias gets a "
                     "computed zero bias Expand(CastLike(Constant 0.0, <Conv data input>), "
                     "Expand(Shape(W, "
                     "start=0, end=1), Constant [1])); constants are Constant nodes, and computed "
                     "weights stay computed.")
NOTE_BORDER_NOOPT = ("Border writes in the dynamo_noopt file (nothing folded): Pad(zeros, pads "
                     "from a Constant) -> Transpose(2,1,0,3) -> ScatterND -> Transpose(2,1,0,3) "
                     "-> Transpose(2,1,0,3) -> ScatterND -> Transpose(2,1,0,3) -> "
                     "Transpose(3,1,2,0) -> ScatterND -> Transpose(3,1,2,0) -> "
                     "Transpose(3,1,2,0) -> ScatterND -> Transpose(3,1,2,0); each ScatterND's "
                     "updates = Transpose(CastLike(Expand(Reshape(Reshape(<values>, Concat of "
                     "Constants), ...), ...), Slice(<padded map>, ...))) and its indices are "
                     "built by Shape/Slice/Gather/Range/Unsqueeze from the padded map, "
                     "i.e. both depend on the activation tensor (for its shape and dtype only).")
NOTE_BORDER = ("Border writes (F.pad with zeros, then in-place slice assignment of the top, "
               "bottom, left, right pad rows/columns with per-channel values): TorchScript "
               "exports Pad (pads computed by ConstantOfShape/Concat/Reshape/Slice/Transpose/"
               "Cast from constants) followed by 4 ScatterND, each fed by ~40 helper nodes: "
               "updates = Reshape(Expand(Expand(<values (C,1,1) initializer>, ...), "
               "Shape(Slice(padded, region))), ...), indices built from Shape/Gather/Cast/Range/"
               "Reshape/Add/Expand/Unsqueeze/Concat; all inputs are static, so everything but "
               "the ScatterND data input folds to constants. dynamo exports Pad(zeros) -> "
               "Transpose(2,1,0,3) -> ScatterND(idx [[0]]) -> Identity -> ScatterND(idx "
               "[[H-1]]) -> Transpose(3,1,0,2) -> ScatterND([[0]]) -> Identity -> "
               "ScatterND([[W-1]]) -> Transpose(3,1,2,0), with indices and pre-broadcast "
               "update tensors as initializers.")

# name -> how to build it. `seed` seeds the weights (torch default init) and the randomizer,
# `seed + 2000` the reference input; `needs` lists extra packages whose versions go into the
# manifest (mobilenet_v2 needs torchvision).
MODELS = [
    dict(name="syenet_isp", build=M.SYENetISP, input_shape=(1, 4, 32, 32), seed=101,
         notes="SYENet-style ISP, packed RGGB -> RGB x2. ConvRep5/ConvRep3/ConvRepPoint blocks "
               "(plain + BN branches concatenated, then biased 1x1 compress), QCU "
               "0.1*a(x)*b(x)+bias, PReLU, channel attention (GlobalAveragePool, 1x1, ReLU, 1x1, "
               "Sigmoid, Mul), residual Add, PixelShuffle(2) -> DepthToSpace CRD. "
               "Deploy convs: head 1 + QCU 2 + body 1 + attention 2 + point 1 + tail 1 = 8. "
               "The QCU's 0.1 is Mul by a scalar constant (folds into a conv of a or b). "
               "In the dynamo export the global average pool is ReduceMean(axes 2,3, keepdims).",
         noopt_notes="dynamo_noopt: the ReduceMean axes come from a Reshape of Constants, the "
                     "QCU's 0.1 is a Constant node."),
    dict(name="syenet_sr", build=M.SYENetSR, input_shape=(1, 3, 16, 16), seed=116,
         notes="SYENet-style x2 super-resolution, RGB -> RGB: ConvRep3 head (expand 2) + PReLU, "
               "ConvRep3 body (expand 2) + PReLU + residual Add, then the QCU 0.1*a(x)*b(x)+bias (a, b ConvRep3 "
               "with expand 1, 12 channels each) right before PixelShuffle(2). Deploy convs: "
               "head 1 + body 1 + QCU 2 = 4. The pixel shuffle reads the QCU's product, so CRD "
               "-> DCR must permute both QCU convs (no GATHER)."),
    dict(name="syenet_sr4", build=M.SYENetSR4, input_shape=(1, 3, 16, 16), seed=117,
         notes="SYENet-style x4 super-resolution, RGB -> RGB: ConvRep3 head and body (expand 1) + "
               "PReLU, the body gated by sigmoid(1x1 conv(MaxPool 3x3 stride 1)), residual Add, then "
               "the QCU 0.1*a(x)*b(x)+bias (a, b: 3x3 + 1x1 branch sets, 48 channels each) before "
               "PixelShuffle(4). Deploy: 5 convs and one MaxPool; CRD -> DCR permutes both QCU "
               "convs."),
    dict(name="repvgg", build=M.RepVGGNet, input_shape=(1, 3, 32, 32), seed=102,
         notes="5 RepVGG blocks: 3->8 s2 (no identity), 8->8 (BN identity), 8->8 groups=2 "
               "(BN identity), 8->16 s2 (no identity), 16->16 (BN identity). " + NOTE_TS_BN),
    dict(name="acnet", build=M.ACNet, input_shape=(1, 3, 32, 32), seed=103,
         notes="3 ACBlocks (3x3 + 3x1 + 1x3 conv-BN, centre-aligned), ReLU after each; the "
               "middle one has stride 2. All BNs follow a conv, so no BatchNormalization is "
               "left in either export."),
    dict(name="mobileone", build=M.MobileOneNet, input_shape=(1, 8, 32, 32), seed=104,
         notes="3 MobileOne units (depthwise 3x3 block + pointwise 1x1 block, k=4 conv-BN "
               "branches each, 1x1 scale branch in the depthwise block, BN skip when shapes "
               "allow): 8->8 (skips in dw and pw), 8->16 stride 2 (no skips), 16->16 (skips). "
               "Deploy: one conv per block = 6. " + NOTE_TS_BN),
    dict(name="dbb", build=M.DBBNet, input_shape=(1, 4, 32, 32), seed=105,
         notes="2 Diverse Branch Blocks (k=3): 4->8 stride 1, 8->8 stride 2; ReLU after each. "
               "Branches: 3x3 conv-BN; 1x1 conv-BN; 1x1 -> BNAndPad -> AveragePool(3, stride, "
               "pad 0) -> BN; identity-based 1x1 (kernel = weight + I, added in forward) -> "
               "BNAndPad -> 3x3 pad 0 -> BN. BNAndPad pads with the BN bias values. Constant "
               "folding (TorchScript default, dynamo optimizer) turns weight + I and the pad "
               "values into initializers, so no Add feeds a Conv weight. Avg branch: both exporters "
               "fuse the BNAndPad's BN into the bias-free 1x1, so the pad values equal that "
               "Conv's bias (exact fold); the BN after AveragePool stays BatchNormalization. "
               "1x1->3x3 branch: TorchScript does NOT fuse the BN behind the identity-based 1x1 "
               "(its kernel is computed, not a parameter), giving Conv -> BatchNormalization -> "
               "Pad -> ScatterND x4 -> Conv with pad values = the BN's bias values; dynamo fuses "
               "it (Conv -> Pad -> ...). " + NOTE_BORDER,
         noopt_notes="dynamo_noopt: the identity-based 1x1 kernel stays Add(idconv1.weight, "
                     "idconv1.identity) feeding the Conv weight; every BNAndPad keeps its "
                     "BatchNormalization (Conv -> BatchNormalization -> Pad -> ... in both "
                     "branches), and its pad values are computed in the graph as bn.bias - "
                     "running_mean * weight / sqrt(running_var + eps) (Identity/Mul/Add/Sqrt/Div/"
                     "Sub on the BN's initializers). " + NOTE_BORDER_NOOPT),
    dict(name="ecbsr", build=M.ECBSR, input_shape=(1, 3, 24, 24), seed=106,
         notes="ECBSR x2: head ECB 3->8, one body ECB 8->8, tail ECB 8->12 (no activation), "
               "PReLU after head and body, PixelShuffle(2) -> DepthToSpace CRD. ECB branches: "
               "3x3; 1x1 (->16) -> bias-pad -> 3x3 pad 0; 1x1 -> bias-pad -> depthwise "
               "Sobel-x / Sobel-y / Laplacian (mask * scale, + bias). No BN. Constant folding "
               "(both exporters) turns scale * mask into a Conv weight initializer, so no Mul "
               "is left in front of the depthwise convs. One body ECB instead of two to keep "
               "the TorchScript file well under 1 MB. " + NOTE_BORDER,
         noopt_notes="dynamo_noopt: the depthwise Sobel/Laplacian kernels stay "
                     "Mul(scale (C,1,1,1), mask (C,1,3,3)) feeding the Conv weight (9 Mul); "
                     "the pad values are the 1x1 conv's bias initializer. " + NOTE_BORDER_NOOPT),
    dict(name="qarepvgg", build=M.QARepVGGNet, input_shape=(1, 3, 32, 32), seed=107,
         notes="3 QARepVGG blocks: 3->8 s2 (no identity), 8->8, 8->8 (plain identity). "
               "Branches 3x3 conv-BN + 1x1 conv (no bias) + identity, then BatchNormalization "
               "after the sum (survives in both exports), then ReLU."),
    dict(name="seq_zero_pad", build=M.SeqZeroPadNet, input_shape=(1, 3, 32, 32), seed=108,
         expect_refused=["1x1 conv with bias (|b| in 0.5..1) -> 3x3 conv with zero padding 1: "
                         "the intermediate map is zero-padded, not bias-padded, so merging the "
                         "pair into one 3x3 is not exact (borders differ); keep both convs"],
         notes="Biased 1x1 (3->8) -> 3x3 pad 1 (8->8) -> ReLU -> RepVGG block 8->8 with BN "
               "identity. Deploy: 1x1 + 3x3 stay (inexact fold must be refused) + merged "
               "RepVGG block = 3 convs."),
    # Plain (nothing to re-parameterize, or only Conv->BN) mobile ISP / restoration /
    # classification nets for the TFLite conversion: their deploy convs equal their convs.
    dict(name="mai_isp", build=M.MAIISPNet, input_shape=(1, 4, 32, 32), seed=109,
         notes="MAI 2021-style learned ISP, packed RGGB -> RGB x2: 3x3 conv 4->16 + ReLU, 3x3 "
               "16->16 + ReLU, 3x3 16->12, Tanh, PixelShuffle(2) -> DepthToSpace CRD. No BN, "
               "nothing to fold: deploy 3 convs."),
    dict(name="fsrcnn", build=M.FSRCNN, input_shape=(1, 1, 24, 24), seed=110,
         notes="FSRCNN x2 (d=56, s=12, m=4) on one (Y) channel: 5x5 1->56, 1x1 56->12, four "
               "3x3 12->12, 1x1 12->56, each followed by a per-channel PReLU (PRelu, slopes "
               "0.05..0.5), then ConvTranspose 9x9 stride 2 pads 4 output_padding 1 (56->1). "
               "No BN: deploy 7 convs (the ConvTranspose is a ConvTranspose node, not counted).",
         noopt_notes="dynamo_noopt: each PReLU slope is Reshape(weight, Constant) instead of a "
                     "pre-shaped initializer."),
    dict(name="unet_small", build=M.UNetSmall, input_shape=(1, 3, 32, 32), seed=111,
         notes="Small U-Net, widths 8/16/32: enc1 (3->8), MaxPool 2, enc2 (8->16), MaxPool 2, "
               "bottleneck (16->32), F.interpolate bilinear align_corners=False with size = the "
               "skip tensor's H, W -> Concat with enc2 -> dec2 (48->16), ConvTranspose 2x2 "
               "stride 2 (16->8) -> Concat with enc1 -> dec1 (16->8), final 1x1 (8->3). Each "
               "enc/dec/bottleneck is (3x3 Conv-BN-ReLU) x2. Deploy: 10 + 1 = 11 convs (the "
               "ConvTranspose is not counted). The Resize (mode linear, half_pixel) gets its "
               "sizes computed in the TorchScript export: Concat(Slice(Shape(bottleneck output), "
               "0:2), Constant [16, 16]) (the skip's H, W were traced as constants; not folded); "
               "dynamo: an initializer.",
         noopt_notes="dynamo_noopt: Resize sizes = Concat(Shape(bottleneck output, 0:2), "
                     "Cast(Constant [16, 16]))."),
    dict(name="csanet_like", build=M.CSANetLike, input_shape=(1, 4, 32, 32), seed=112,
         notes="CSANet-like ISP, packed RGGB -> RGB x2: head 3x3 4->16 + ReLU; block: f = 3x3 "
               "-> ReLU -> 3x3; spatial attention Sigmoid(depthwise 3x3 dilation 2 pads 2 (f)); "
               "channel attention Sigmoid(1x1 4->16(ReLU(1x1 16->4(global average pool(f))))); "
               "y = x + f * sa * ca; tail 3x3 16->12, PixelShuffle(2) -> DepthToSpace CRD. No "
               "BN: deploy 7 convs. Global pool: GlobalAveragePool (TorchScript), ReduceMean "
               "axes 2,3 keepdims (dynamo)."),
    dict(name="nafnet_like", build=M.NAFNetLike, input_shape=(1, 3, 32, 32), seed=113,
         expect_refused=["in each NAFBlock, conv1 (1x1 with bias, 16->32) -> depthwise 3x3 conv2 "
                         "with zero padding 1: the intermediate map is zero-padded, not "
                         "bias-padded, so merging the pair is not exact; keep both convs "
                         "(2 refusals)"],
         notes="NAFNet-style denoiser, width 16: intro 3x3 3->16, 2 NAFBlocks, ending 3x3 16->3, "
               "+ input. NAFBlock: y = x + beta * conv3(SCA(SimpleGate(dw3x3(conv1(LN(x)))))); "
               "out = y + gamma * conv5(SimpleGate(conv4(LN(y)))); conv1/conv4 1x1 16->32, "
               "depthwise 3x3 on 32, SimpleGate = chunk(2, dim 1) and Mul, SCA = x * 1x1 conv("
               "global average pool(x)), beta/gamma (1,16,1,1) Mul then Add. No BN: deploy "
               "1 + 2 * 6 + 1 = 14 convs. LayerNorm over C, block 0 written by hand (NAFNet's "
               "LayerNorm2d, eps 1e-6): ReduceMean(axis 1) -> Sub -> Pow 2 -> ReduceMean -> Add "
               "eps -> Sqrt -> Div -> Mul weight (1,C,1,1) -> Add bias; block 1 as "
               "Transpose(0,2,3,1) -> LayerNormalization(axis -1) -> Transpose(0,3,1,2) (both "
               "exporters). SimpleGate's chunk: TorchScript Slice x2 with bounds from "
               "Shape/Gather/Div/Mul (not folded); dynamo Split(num_outputs 2). dynamo, block 1 "
               "only: the SCA's pooled (1,16,1,1) tensor goes through Reshape(-1) -> "
               "Gather(indices (1,16,1,1) = 0..15), an identity (the exporter's as_strided for "
               "the channels-last tensor left by the permute).",
         noopt_notes="dynamo_noopt: SimpleGate's chunk is SplitToSequence -> SequenceAt x2."),
    dict(name="sensitive_net", build=M.SensitiveNet, input_shape=(1, 3, 32, 32), seed=115,
         notes="Mixed-precision case: 3x3 conv 3->16 + ReLU, 'wide' 3x3 16->16 + ReLU whose "
               "channel 0 is scaled up 64x (and read scaled down 64x by the last conv), 3x3 "
               "16->3, + input. The float function is ordinary; per-tensor int8 ranges of the "
               "wide conv's output are dominated by channel 0. No BN: deploy 3 convs."),
    dict(name="mobilenet_v2", build=M.MobileNetV2Small, input_shape=(1, 3, 64, 64), seed=114,
         needs=["torchvision"],
         notes="torchvision.models.mobilenet_v2(weights=None, width_mult=0.25, num_classes=10) "
               "with a reduced inverted-residual setting (2 blocks per stage instead of 1, 2, "
               "3, 4, 3, 3, 1; the standard one gives a 1.75 MB dynamo_noopt file), random "
               "weights (torchvision's seeded init; BN stats/affine and the Linear bias "
               "randomized). 12 inverted residuals (1x1 expand Conv-BN-ReLU6, depthwise 3x3 "
               "Conv-BN-ReLU6, 1x1 project Conv-BN, Add when stride 1 and Cin == Cout: 6 Adds), "
               "stem 3x3 stride 2, last 1x1 to 1280, global average pool, Linear 1280->10. "
               "Output (1, 10), not NCHW. Every conv is bias-free. Deploy: 37 convs (BNs fold; "
               "the Linear is a Gemm). ReLU6 exports as Clip(0, 6) (Constant min/max in "
               "TorchScript, initializers in dynamo); TorchScript GlobalAveragePool -> Flatten -> "
               "Gemm, dynamo ReduceMean -> Reshape -> Gemm. The last inverted residual has no "
               "skip, so its project 1x1 (240->80, no activation) feeds the last 1x1 (80->1280) "
               "directly: merging the two is exact but gives a 1280x240 kernel (307,200 weights "
               "instead of 19,200 + 102,400), so deploy_convs counts both."),
]


def histogram(model):
    return dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items()))


def conv_count(model):
    return sum(1 for n in model.graph.node if n.op_type == "Conv")


def structure_summary(path, model):
    """Where Conv weights/biases and BatchNormalization inputs come from (manifest notes)."""
    graph = model.graph
    inits = {t.name for t in graph.initializer}
    producer = {o: n.op_type for n in graph.node for o in n.output}

    def computed(names):
        c = collections.Counter(producer.get(v, "graph input") for v in names
                                if v and v not in inits)
        return ", ".join(f"{op} x{k}" for op, k in sorted(c.items())) or "none"
    convs = [n for n in graph.node if n.op_type == "Conv"]
    bns = [n for n in graph.node if n.op_type == "BatchNormalization"]
    text = (f"{path.name}: {len(convs)} Conv; weights computed by: "
            f"{computed(n.input[1] for n in convs)}; biases computed by: "
            f"{computed(n.input[2] for n in convs if len(n.input) > 2)} (the rest "
            f"initializers or no bias)")
    if bns:
        text += (f"; {len(bns)} BatchNormalization, inputs from: "
                 f"{computed(n.input[0] for n in bns)}")
    return text + "."


def run_onnxruntime(path, x):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    return sess.run(None, {sess.get_inputs()[0].name: x})[0]


def compare(path, x, reference):
    """Max abs error and error relative to the output range; raises if above tolerance."""
    out = run_onnxruntime(path, x)
    if out.shape != reference.shape:
        raise ValueError(f"{path.name}: output shape {out.shape} != {reference.shape}")
    err = float(np.abs(out - reference).max())
    rel = err / float(reference.max() - reference.min())
    if not rel < REL_TOLERANCE:
        raise ValueError(f"{path.name}: max abs error {err:.3g} (relative {rel:.3g}) "
                         f">= {REL_TOLERANCE}")
    return err, rel


def check_self_contained(path, model, input_shape, output_shape):
    """Weights inline as initializers, no external data, one static-shaped input and one output.

    Returns a note when the output shape is declared with symbolic dims (accepted: that is what
    the exporter wrote), raises on anything else that is off."""
    problems = []
    if path.with_name(path.name + ".data").exists() or any(
            t.data_location == onnx.TensorProto.EXTERNAL for t in model.graph.initializer):
        problems.append("external data")
    if not model.graph.initializer:
        problems.append("no initializers")
    if len(model.graph.input) != 1 or len(model.graph.output) != 1:
        problems.append(f"{len(model.graph.input)} inputs / {len(model.graph.output)} outputs")

    def dims(v):
        return tuple(d.dim_value if d.HasField("dim_value") else d.dim_param
                     for d in v.type.tensor_type.shape.dim)
    if dims(model.graph.input[0]) != tuple(input_shape):
        problems.append(f"input shape {dims(model.graph.input[0])}")
    out_dims = dims(model.graph.output[0])
    symbolic = len(out_dims) == len(output_shape) and all(
        isinstance(d, str) or d == e for d, e in zip(out_dims, output_shape))
    if out_dims != tuple(output_shape) and not symbolic:
        problems.append(f"output shape {out_dims}")
    foreign = sorted({n.domain for n in model.graph.node if n.domain not in ("", "ai.onnx")})
    if foreign or model.functions:
        problems.append(f"non-standard domains {foreign} / {len(model.functions)} functions")
    data = path.read_bytes()
    for marker in (str(REPO).encode(), str(Path.home()).encode()):
        if marker in data:
            problems.append(f"contains the local path {marker.decode()}")
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    if out_dims != tuple(output_shape):
        return (f"{path.name} declares its output shape symbolically {list(out_dims)} "
                f"(the exporter's shape inference did not get through the graph); the real "
                f"shape is {list(output_shape)}.")
    return None


# torch.onnx.export grew `dynamo=` (and later `external_data=`) in torch 2.x; older torch (e.g.
# Debian's 1.13) only has the TorchScript exporter.
EXPORT_PARAMS = inspect.signature(torch.onnx.export).parameters
HAS_DYNAMO_EXPORTER = "dynamo" in EXPORT_PARAMS


def export_torchscript(model, x, path):
    extra = {"dynamo": False} if HAS_DYNAMO_EXPORTER else {}
    torch.onnx.export(model, (x,), str(path), opset_version=TORCHSCRIPT_OPSET,
                      input_names=["input"], output_names=["output"], **extra)


# dynamo exports: file suffix, optimize= (None: the exporter's default), exporter description.
DYNAMO_EXPORTS = [
    ("dynamo", None, "torch.export (dynamo=True); node metadata "
                     "pkg.torch.onnx.stack_trace removed"),
    ("dynamo_noopt", False, "torch.export (dynamo=True, optimize=False); node metadata "
                            "pkg.torch.onnx.stack_trace removed"),
]


def export_dynamo(model, x, path, optimize=None):
    if not HAS_DYNAMO_EXPORTER:
        raise RuntimeError(f"torch {torch.__version__} has no dynamo=True exporter")
    extra = {"external_data": False} if "external_data" in EXPORT_PARAMS else {}
    if optimize is not None:
        if "optimize" not in EXPORT_PARAMS:
            raise RuntimeError(f"torch {torch.__version__}: torch.onnx.export has no optimize=")
        extra["optimize"] = optimize
    torch.onnx.export(model, (x,), str(path), dynamo=True, input_names=["input"],
                      output_names=["output"], verbose=False, **extra)
    proto = onnx.load(str(path))
    for node in proto.graph.node:
        keep = [p for p in node.metadata_props if p.key not in DROPPED_NODE_METADATA]
        del node.metadata_props[:]
        node.metadata_props.extend(keep)
    onnx.save(proto, str(path))


def build(spec):
    torch.manual_seed(spec["seed"])
    model = spec["build"]()
    M.randomize_model(model, spec["seed"] + 1000)
    return model.eval()


def process(spec, versions):
    name = spec["name"]
    model = build(spec)
    gen = torch.Generator().manual_seed(spec["seed"] + 2000)
    x = torch.rand(spec["input_shape"], generator=gen, dtype=torch.float32)
    with torch.no_grad():
        y = model(x).numpy().astype(np.float32)
    x_np = x.numpy()
    np.save(TESTDATA / f"{name}.input.npy", x_np)
    np.save(TESTDATA / f"{name}.output.npy", y)
    print(f"== {name}: input {tuple(x_np.shape)} -> output {tuple(y.shape)}, "
          f"range [{y.min():.4g}, {y.max():.4g}], deploy convs {M.count_deploy_convs(model)}")

    entry = {"name": name, "onnx": [], "input": f"{name}.input.npy",
             "output": f"{name}.output.npy", "input_shape": list(x_np.shape),
             "output_shape": list(y.shape), "deploy_convs": M.count_deploy_convs(model)}
    exports = []

    ts_path = TESTDATA / f"{name}.onnx"
    export_torchscript(model, x, ts_path)
    ts = onnx.load(str(ts_path))
    onnx.checker.check_model(ts)
    shape_notes = [check_self_contained(ts_path, ts, x_np.shape, y.shape)]
    err, rel = compare(ts_path, x_np, y)
    print(f"   {ts_path.name}: {ts_path.stat().st_size} bytes, opset "
          f"{ts.opset_import[0].version}, max abs err {err:.3g} (relative {rel:.3g})")
    print(f"   ops: {histogram(ts)}")
    entry["onnx"].append(ts_path.name)
    entry["training_convs"] = conv_count(ts)
    exports.append({"file": ts_path.name, "exporter": "torchscript (dynamo=False)",
                    "opset": ts.opset_import[0].version, "conv_nodes": conv_count(ts),
                    "ops": histogram(ts)})

    problems = {}  # suffix -> why that dynamo export was not shipped
    summaries = []
    for suffix, optimize, exporter in DYNAMO_EXPORTS:
        dyn_path = TESTDATA / f"{name}.{suffix}.onnx"
        try:
            export_dynamo(model, x, dyn_path, optimize)
            dyn = onnx.load(str(dyn_path))
            onnx.checker.check_model(dyn)
            shape_notes.append(check_self_contained(dyn_path, dyn, x_np.shape, y.shape))
            err, rel = compare(dyn_path, x_np, y)
        except Exception as exc:  # recorded in the manifest instead of shipping a broken file
            problems[suffix] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            for leftover in (dyn_path, dyn_path.with_name(dyn_path.name + ".data")):
                leftover.unlink(missing_ok=True)
            print(f"   {suffix} export REJECTED: {problems[suffix]}")
            continue
        print(f"   {dyn_path.name}: {dyn_path.stat().st_size} bytes, opset "
              f"{dyn.opset_import[0].version}, max abs err {err:.3g} (relative {rel:.3g})")
        print(f"   ops: {histogram(dyn)}")
        if optimize is False:
            summaries.append(structure_summary(dyn_path, dyn))
        entry["onnx"].append(dyn_path.name)
        exports.append({"file": dyn_path.name, "exporter": exporter,
                        "opset": dyn.opset_import[0].version, "conv_nodes": conv_count(dyn),
                        "ops": histogram(dyn)})

    if "expect_refused" in spec:
        entry["expect_refused"] = spec["expect_refused"]
    notes = spec["notes"]
    if "dynamo" in problems:
        notes += f" dynamo export not shipped: {problems['dynamo']}"
    elif any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()):
        notes += " " + NOTE_DYNAMO_BN
    if "dynamo_noopt" in problems:
        notes += f" dynamo_noopt export not shipped: {problems['dynamo_noopt']}"
    else:
        notes += " " + NOTE_DYNAMO_NOOPT.replace("NAME", name)
        if "noopt_notes" in spec:
            notes += " " + spec["noopt_notes"]
    notes = " ".join([notes] + summaries + [n for n in shape_notes if n])
    entry["notes"] = notes
    entry["exports"] = exports
    versions = dict(versions)
    for package in spec.get("needs", []):  # extra packages this model is built with
        versions[package] = importlib.import_module(package).__version__
    entry["generated_with"] = versions
    return entry


def main():
    names = [s["name"] for s in MODELS]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=names, help="regenerate one model only")
    args = parser.parse_args()

    warnings.filterwarnings("ignore")
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    TESTDATA.mkdir(exist_ok=True)
    versions = {"torch": torch.__version__, "onnx": onnx.__version__,
                "onnxruntime": ort.__version__, "numpy": np.__version__}
    try:
        import onnxscript  # used by the dynamo exporter only
        versions["onnxscript"] = onnxscript.__version__
    except ImportError:
        pass

    entries = {}
    if args.only and MANIFEST.exists():
        entries = {e["name"]: e for e in json.loads(MANIFEST.read_text())}
    for spec in MODELS:
        if args.only is None or spec["name"] == args.only:
            entries[spec["name"]] = process(spec, versions)
    ordered = [entries[n] for n in names if n in entries]
    MANIFEST.write_text(json.dumps(ordered, indent=2) + "\n")
    print(f"wrote {MANIFEST.relative_to(REPO)} ({len(ordered)} models)")


if __name__ == "__main__":
    sys.exit(main())
