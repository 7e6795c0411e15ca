package io.memscope.trainer.backend.cuda;

import io.memscope.trainer.backend.ConvPass;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * cuDNN that computes nothing and writes down every call with its descriptors and pointers, one line each, so
 * that tests can hold the backend to the shapes, offsets and flags it passes. The convolution heuristics return
 * what {@link #algorithms} gives.
 */
final class FakeCudnn implements CudnnApi {
    final List<String> calls = new ArrayList<>();
    BiFunction<ConvShape, ConvPass, List<Algorithm>> algorithms = (s, p) -> List.of(new Algorithm(0, 0));
    int heuristicQueries;
    boolean closed;

    @Override
    public long version() {
        return 90100;
    }

    @Override
    public List<Algorithm> convAlgorithms(ConvShape s, ConvPass pass) {
        heuristicQueries++;
        return algorithms.apply(s, pass);
    }

    @Override
    public void convForward(ConvShape s, int algorithm, long x, long w, long y, long workspace, long workspaceBytes) {
        calls.add("convForward " + s + " algo " + algorithm + " x@" + x + " w@" + w + " y@" + y + " ws@" + workspace + "+"
                + workspaceBytes);
    }

    @Override
    public void convBackwardData(ConvShape s, int algorithm, long dy, long w, long dx, long workspace,
                                 long workspaceBytes, boolean accumulate) {
        calls.add("convBackwardData algo " + algorithm + " dy@" + dy + " w@" + w + " dx@" + dx + " ws@" + workspace + "+"
                + workspaceBytes + " acc " + accumulate);
    }

    @Override
    public void convBackwardFilter(ConvShape s, int algorithm, long x, long dy, long dw, long workspace,
                                   long workspaceBytes, boolean accumulate) {
        calls.add("convBackwardFilter algo " + algorithm + " x@" + x + " dy@" + dy + " dw@" + dw + " ws@" + workspace + "+"
                + workspaceBytes + " acc " + accumulate);
    }

    @Override
    public void convBackwardBias(TensorShape dyShape, long dy, long dbias, boolean accumulate) {
        calls.add("convBackwardBias " + dyShape + " dy@" + dy + " dbias@" + dbias + " acc " + accumulate);
    }

    @Override
    public void addTensor(TensorShape aShape, float alpha, long a, TensorShape cShape, long c) {
        calls.add("addTensor " + aShape + " alpha " + alpha + " a@" + a + " to " + cShape + " c@" + c);
    }

    @Override
    public void opTensorAdd(TensorShape s, long a, long b, long c) {
        calls.add("opTensorAdd " + s + " a@" + a + " b@" + b + " c@" + c);
    }

    @Override
    public void reluForward(TensorShape s, long x, long y) {
        calls.add("reluForward " + s + " x@" + x + " y@" + y);
    }

    @Override
    public void reluBackward(TensorShape s, long y, long dy, long x, long dx, boolean accumulate) {
        calls.add("reluBackward " + s + " y@" + y + " dy@" + dy + " x@" + x + " dx@" + dx + " acc " + accumulate);
    }

    @Override
    public void poolForward(PoolShape s, long x, long y) {
        calls.add("poolForward " + s + " x@" + x + " y@" + y);
    }

    @Override
    public void poolBackward(PoolShape s, long x, long y, long dy, long dx, boolean accumulate) {
        calls.add("poolBackward " + s.mode() + " x@" + x + " y@" + y + " dy@" + dy + " dx@" + dx + " acc " + accumulate);
    }

    @Override
    public void batchNormForwardTraining(TensorShape s, long x, long y, long gamma, long beta, double momentum,
                                         long runningMean, long runningVar, double eps, long saveMean,
                                         long saveInvStd) {
        calls.add("batchNormForwardTraining " + s + " momentum " + momentum + " eps " + eps + " save@" + saveMean + ","
                + saveInvStd);
    }

    @Override
    public void batchNormForwardInference(TensorShape s, long x, long y, long gamma, long beta, long runningMean,
                                          long runningVar, double eps) {
        calls.add("batchNormForwardInference " + s + " eps " + eps);
    }

    @Override
    public void batchNormBackward(TensorShape s, long x, long dy, long dx, long gamma, long dgamma, long dbeta,
                                  long saveMean, long saveInvStd, boolean accumulateDx, boolean accumulateParams) {
        calls.add("batchNormBackward " + s + " accDx " + accumulateDx + " accParams " + accumulateParams);
    }

    @Override
    public void softmaxForward(TensorShape s, long x, long y) {
        calls.add("softmaxForward " + s + " x@" + x + " y@" + y);
    }

    @Override
    public void close() {
        closed = true;
    }
}
