package isptool.passes;

import isptool.passes.cleanup.EliminateIdentity;
import isptool.passes.cleanup.FoldConstants;
import isptool.passes.cleanup.SequenceToSplit;
import isptool.passes.cleanup.UpgradeOpset;
import isptool.passes.layout.ChannelShuffleToGather;
import isptool.passes.layout.DepthToSpaceCrdToDcr;
import isptool.passes.layout.FlattenBeforeDense;
import isptool.passes.layout.PixelShuffleToDepthToSpace;
import isptool.passes.layout.PixelUnshuffleToSpaceToDepthGather;
import isptool.passes.quant.CrossLayerEqualization;
import isptool.passes.reparam.AveragePoolToConv;
import isptool.passes.reparam.BatchNormToConv;
import isptool.passes.reparam.BiasPadToZeroPad;
import isptool.passes.reparam.FoldAffineIntoConv;
import isptool.passes.reparam.FoldBatchNormIntoConv;
import isptool.passes.reparam.FoldPadIntoConv;
import isptool.passes.reparam.FuseQcuScale;
import isptool.passes.reparam.MergeConcatOfConvs;
import isptool.passes.reparam.MergeParallelConvs;
import isptool.passes.reparam.MergeSequentialConvs;
import isptool.passes.target.BilinearResizeAsConvTranspose;
import isptool.passes.target.ChannelMeanAsConv;
import isptool.passes.target.ClipAsRelus;
import isptool.passes.target.DivByConstantAsMul;
import isptool.passes.target.GeluAsTanh;
import isptool.passes.target.GroupedConvAsDense;
import isptool.passes.target.HardSwishAsClip;
import isptool.passes.target.MeanAsAveragePool;
import isptool.passes.target.PReluAsRelus;
import isptool.passes.target.ReduceSumAsMean;
import isptool.passes.target.SubAsAdd;
import isptool.passes.target.TargetCaps;
import java.util.List;

/** Every pipeline isptool runs, in order, in one place. Each runs to a fixed point. */
public final class Pipelines {
    private Pipelines() {
    }

    /** Structural re-parameterization: training-form graph to deploy-form graph. */
    public static Pipeline reparam() {
        return new Pipeline("reparam", List.of(
                new UpgradeOpset(),
                new EliminateIdentity(),
                new FoldConstants(),
                new SequenceToSplit(),
                new FoldBatchNormIntoConv(),
                new BatchNormToConv(),
                new AveragePoolToConv(),
                new FoldPadIntoConv(),
                new BiasPadToZeroPad(),
                new FoldAffineIntoConv(),
                new FuseQcuScale(),
                new MergeParallelConvs(),
                new MergeConcatOfConvs(),
                new MergeSequentialConvs()));
    }

    /**
     * Before lowering to TFLite (after reparam): 6-D pixel (un)shuffle to DepthToSpace/SpaceToDepth,
     * then CRD DepthToSpace to TFLite's DCR by reordering the producing conv's channels.
     */
    public static Pipeline tflitePrep() {
        return new Pipeline("tflite-prep", List.of(
                new PixelShuffleToDepthToSpace(),
                new PixelUnshuffleToSpaceToDepthGather(),
                new ChannelShuffleToGather(),
                new DepthToSpaceCrdToDcr(),
                new FlattenBeforeDense()));
    }

    /**
     * After tflite-prep, for convert --target: each swap rewrites an op the target lacks into ops
     * it runs, exactly (approximate swaps only with caps.allowApprox()); a pass whose capability
     * the target has does nothing.
     */
    public static Pipeline targetSwaps(TargetCaps caps) {
        return new Pipeline("target-swaps", List.of(
                new PReluAsRelus(caps),
                new HardSwishAsClip(caps),
                new ClipAsRelus(caps),
                new DivByConstantAsMul(caps),
                new SubAsAdd(caps),
                new ReduceSumAsMean(caps),
                new MeanAsAveragePool(caps),
                new ChannelMeanAsConv(caps),
                new BilinearResizeAsConvTranspose(caps),
                new GeluAsTanh(caps),
                new GroupedConvAsDense(caps)));
    }

    /**
     * Before integer quantization, when asked (convert --cle): cross-layer equalization of
     * consecutive convs, an exact rewrite of the folded graph.
     */
    public static Pipeline equalize() {
        return new Pipeline("equalize", List.of(new CrossLayerEqualization()));
    }

    /** Only the clean-up every command needs before looking at a graph (inspect, check). */
    public static Pipeline cleanup() {
        return new Pipeline("cleanup", List.of(new UpgradeOpset(), new EliminateIdentity(), new FoldConstants(),
                new SequenceToSplit()));
    }
}
