package io.memscope.trainer.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memscope.trainer.TestPaths;
import io.memscope.trainer.backend.ConvGeometry;
import io.memscope.trainer.backend.ConvPass;
import io.memscope.trainer.backend.CpuBackend;
import io.memscope.trainer.modes.BaselineMode;
import io.memscope.trainer.modes.CompileOptions;
import io.memscope.trainer.net.Network;
import io.memscope.trainer.optim.Optimizer;
import io.memscope.trainer.plan.Planner;
import org.junit.jupiter.api.Test;

class CpuWorkspaceModelTest {
    @Test
    void groupsCostNoBatchResNet18FitsBatch28In256MiB() {
        // the out-of-core benchmark's baseline: wider groups or larger chunks took it to 255.8 MiB, which the
        // arena could not place in 256 MiB (batch 27 then)
        Network net = Network.load(TestPaths.sample("resnet18_cifar"));
        CompileOptions options = new CompileOptions(28, Optimizer.of("sgd", 0.01, 0.9, 5e-4),
                CpuBackend.workspaceModel(2));
        Planner.Plan plan = Planner.plan(net, new BaselineMode(), options, 256L << 20);
        assertTrue(plan.fits(), "peak " + plan.peakBytes());
    }

    @Test
    void largePlanesGoInBandsOfOutputRowsThatStayInACoresCache() {
        ConvGeometry g = new ConvGeometry(32, 64, 32, 32, 64, 3, 3, 1, 1, 1, 1); // 576 rows, 1024 columns
        CpuWorkspaceModel.Tile fwd = CpuWorkspaceModel.tile(g, ConvPass.FORWARD, 2);
        // at most 14 rows (576 x 448 floats, under 1 MiB), so 3 bands: 11 + 11 + 10
        assertEquals(new CpuWorkspaceModel.Tile(1, 11, 11 * 32), fwd);
        assertEquals(2L * 576 * 352, CpuWorkspaceModel.floats(g, ConvPass.FORWARD, 2));
        assertEquals(2L * 576 * 352, CpuWorkspaceModel.floats(g, ConvPass.BACKWARD_DATA, 2));
        // backward filter's one buffer is shared by the two workers: twice the rows (28: 2 bands of 16)
        assertEquals(new CpuWorkspaceModel.Tile(1, 16, 16 * 32), CpuWorkspaceModel.tile(g, ConvPass.BACKWARD_FILTER, 2));
        // ... and with 64 output channels it sums dw transposed, 64 x 576 floats after the buffer
        assertTrue(CpuWorkspaceModel.transposedRows(g, 2) > 0);
        assertEquals(576L * 512 + 64 * 576, CpuWorkspaceModel.floats(g, ConvPass.BACKWARD_FILTER, 2));
        assertEquals(4L * 576 * 352 * 4, new CpuWorkspaceModel(4).convWorkspaceBytes(g, ConvPass.FORWARD));
        ConvGeometry sixteen = new ConvGeometry(32, 128, 16, 16, 128, 3, 3, 1, 1, 1, 1); // at most 14 rows of 16
        assertEquals(new CpuWorkspaceModel.Tile(1, 8, 128), CpuWorkspaceModel.tile(sixteen, ConvPass.FORWARD, 2));
    }

    @Test
    void aBandIsNeverNarrowerThanTheMinimumColumnsNorTallerThanTheImage() {
        ConvGeometry deep = new ConvGeometry(8, 512, 16, 16, 512, 3, 3, 1, 1, 1, 1); // 4608 rows x 16 wide
        assertEquals(new CpuWorkspaceModel.Tile(1, 8, 128), CpuWorkspaceModel.tile(deep, ConvPass.FORWARD, 2));
        ConvGeometry thin = new ConvGeometry(8, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1); // 27 rows: the whole image fits
        assertEquals(new CpuWorkspaceModel.Tile(1, 32, 1024), CpuWorkspaceModel.tile(thin, ConvPass.FORWARD, 2));
    }

    @Test
    void smallPlanesWithLargeWeightsGoInGroupsOfImagesThatStayInCache() {
        ConvGeometry g = new ConvGeometry(32, 512, 4, 4, 512, 3, 3, 1, 1, 1, 1); // ResNet-18's last stage
        // 128 columns: 8 images of a 4x4 plane
        assertEquals(new CpuWorkspaceModel.Tile(8, 4, 128), CpuWorkspaceModel.tile(g, ConvPass.FORWARD, 2));
        // 4608 rows x 128 columns held in 18 chunks of 256 rows: 32 Ki floats (128 KiB) each
        assertEquals(256, CpuWorkspaceModel.chunk(g, ConvPass.FORWARD, 2));
        long col = 256L * 128;
        long out = 512L * 128;
        assertEquals(2 * (col + out), CpuWorkspaceModel.floats(g, ConvPass.FORWARD, 2));
        assertEquals(2 * (col + out), CpuWorkspaceModel.floats(g, ConvPass.BACKWARD_DATA, 2));
        // backward filter: each worker's 2304 rows in 9 chunks
        assertEquals(new CpuWorkspaceModel.Tile(8, 4, 128), CpuWorkspaceModel.tile(g, ConvPass.BACKWARD_FILTER, 2));
        assertEquals(256, CpuWorkspaceModel.chunk(g, ConvPass.BACKWARD_FILTER, 2));
        assertEquals(2 * (256L * 128 + 512L * 128), CpuWorkspaceModel.floats(g, ConvPass.BACKWARD_FILTER, 2));
        // fewer images than a group's width: the worker's share, all of them
        ConvGeometry few = new ConvGeometry(6, 512, 4, 4, 512, 3, 3, 1, 1, 1, 1);
        assertEquals(new CpuWorkspaceModel.Tile(3, 4, 48), CpuWorkspaceModel.tile(few, ConvPass.FORWARD, 2));
        assertEquals(new CpuWorkspaceModel.Tile(6, 4, 96), CpuWorkspaceModel.tile(few, ConvPass.BACKWARD_FILTER, 2));
    }

    @Test
    void deepBandsTooWideForTheCacheGoBackwardInChunksOfRows() {
        ConvGeometry g = new ConvGeometry(32, 256, 16, 16, 256, 3, 3, 1, 1, 1, 1); // 2304 rows, bands of 8 x 16
        assertEquals(new CpuWorkspaceModel.Tile(1, 8, 128), CpuWorkspaceModel.tile(g, ConvPass.FORWARD, 2));
        assertEquals(2304, CpuWorkspaceModel.chunk(g, ConvPass.FORWARD, 2));
        assertEquals(1152, CpuWorkspaceModel.chunk(g, ConvPass.BACKWARD_DATA, 2)); // 2304 x 128 is over 1 MiB
        assertEquals(2 * 1152L * 128, CpuWorkspaceModel.floats(g, ConvPass.BACKWARD_DATA, 2));
    }

    @Test
    void smallWeightsAndRowCentricBandsGoImageByImage() {
        // VGG-small's 8x8 layers: 128 x 1152 weights (576 KiB) are not worth a group's memory
        assertEquals(1, CpuWorkspaceModel.tile(new ConvGeometry(32, 128, 8, 8, 128, 3, 3, 1, 1, 1, 1),
                ConvPass.FORWARD, 2).images());
        // LeNet-5's second convolution: 10x10 plane, but 16 x 150 weights stay in cache
        assertEquals(1, CpuWorkspaceModel.tile(new ConvGeometry(64, 6, 14, 14, 16, 5, 5, 1, 1, 0, 0),
                ConvPass.FORWARD, 2).images());
        // a band of 2 rows of an 8-wide map: grouping would cost the memory the bands save
        assertEquals(1, CpuWorkspaceModel.tile(new ConvGeometry(32, 128, 4, 8, 128, 3, 3, 1, 1, 0, 1),
                ConvPass.FORWARD, 2).images());
    }

    @Test
    void aGroupNeverHoldsMoreThanAWorkersShareAndPointwiseConvolutionsNeedNone() {
        ConvGeometry five = new ConvGeometry(5, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1); // 2304 x 16 per image
        assertEquals(3, CpuWorkspaceModel.tile(five, ConvPass.FORWARD, 2).images());
        assertEquals(5, CpuWorkspaceModel.tile(five, ConvPass.BACKWARD_FILTER, 2).images());
        ConvGeometry one = new ConvGeometry(1, 256, 4, 4, 256, 3, 3, 1, 1, 1, 1);
        assertEquals(1, CpuWorkspaceModel.tile(one, ConvPass.FORWARD, 2).images());
        ConvGeometry pointwise = new ConvGeometry(32, 64, 4, 4, 64, 1, 1, 1, 1, 0, 0);
        assertEquals(1, CpuWorkspaceModel.tile(pointwise, ConvPass.FORWARD, 2).images());
        assertEquals(0, CpuWorkspaceModel.floats(pointwise, ConvPass.BACKWARD_FILTER, 2));
    }
}
