package io.memscope.trainer.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The built-in data is meant to reward convolutions: a linear model on raw pixels should do poorly, while the
 * same linear model on translation-invariant features (fixed 3x3 filters, rectified, pooled over the image, the
 * shape of a one-layer CNN) should do well. Both use the least-squares fit to one-hot targets, the best linear
 * model in closed form, so the gap is not a matter of training too briefly.
 */
class ShapesNeedConvolutionsTest {
    private static final int SIDE = 24;
    private static final int CLASSES = 10;
    private static final float[][][] FILTERS = {
        {{-1, -1, -1}, {0, 0, 0}, {1, 1, 1}},
        {{-1, 0, 1}, {-1, 0, 1}, {-1, 0, 1}},
        {{0, 1, 1}, {-1, 0, 1}, {-1, -1, 0}},
        {{1, 1, 0}, {1, 0, -1}, {0, -1, -1}},
        {{-1, -1, -1}, {-1, 8, -1}, {-1, -1, -1}},
        {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}},
    };

    @Test
    void rawPixelsDefeatALinearModelThatPooledFiltersLift() {
        ShapesDataset train = new ShapesDataset("train", 1, SIDE, SIDE, CLASSES, 3000, 1);
        ShapesDataset test = new ShapesDataset("test", 1, SIDE, SIDE, CLASSES, 1000, 1);
        float[] trainLabels = new float[train.size()];
        float[] testLabels = new float[test.size()];
        float[] trainImages = DataFiles.allImages(train, trainLabels);
        float[] testImages = DataFiles.allImages(test, testLabels);

        double[][] pixelModel = LeastSquares.fit(pixels(trainImages, train.size()), trainLabels, CLASSES, 30);
        double pixelAccuracy = LeastSquares.accuracy(pixelModel, pixels(testImages, test.size()), testLabels);
        double[][] filterModel = LeastSquares.fit(pooledFilters(trainImages, train.size()), trainLabels, CLASSES, 1e-3);
        double filterAccuracy = LeastSquares.accuracy(filterModel, pooledFilters(testImages, test.size()), testLabels);

        String result = String.format("test accuracy: linear on pixels %.3f, linear on pooled 3x3 filters %.3f"
                + " (chance %.3f)", pixelAccuracy, filterAccuracy, 1.0 / CLASSES);
        System.out.println(result);
        assertTrue(pixelAccuracy < 0.45, result);
        assertTrue(filterAccuracy > 0.75, result);
    }

    /** One row per image: its pixels and a constant 1 for the bias. */
    private static float[][] pixels(float[] images, int count) {
        int per = SIDE * SIDE;
        float[][] rows = new float[count][per + 1];
        for (int i = 0; i < count; i++) {
            System.arraycopy(images, i * per, rows[i], 0, per);
            rows[i][per] = 1;
        }
        return rows;
    }

    /** Per filter: mean and maximum of the positive and of the negative responses over the image, and a bias. */
    private static float[][] pooledFilters(float[] images, int count) {
        int per = SIDE * SIDE;
        float[][] rows = new float[count][4 * FILTERS.length + 1];
        for (int i = 0; i < count; i++) {
            for (int f = 0; f < FILTERS.length; f++) {
                double positive = 0;
                double negative = 0;
                double maxPositive = 0;
                double maxNegative = 0;
                for (int y = 1; y < SIDE - 1; y++) {
                    for (int x = 1; x < SIDE - 1; x++) {
                        double v = 0;
                        for (int u = 0; u < 3; u++) {
                            for (int t = 0; t < 3; t++) {
                                v += FILTERS[f][u][t] * images[i * per + (y + u - 1) * SIDE + x + t - 1];
                            }
                        }
                        positive += Math.max(v, 0);
                        negative += Math.max(-v, 0);
                        maxPositive = Math.max(maxPositive, v);
                        maxNegative = Math.max(maxNegative, -v);
                    }
                }
                rows[i][4 * f] = (float) (positive / per);
                rows[i][4 * f + 1] = (float) (negative / per);
                rows[i][4 * f + 2] = (float) maxPositive;
                rows[i][4 * f + 3] = (float) maxNegative;
            }
            rows[i][4 * FILTERS.length] = 1;
        }
        return rows;
    }

    /** Ridge regression to one-hot targets by the normal equations and a Cholesky factorization. */
    private static final class LeastSquares {
        static double[][] fit(float[][] rows, float[] labels, int classes, double ridge) {
            int d = rows[0].length;
            double[][] gram = new double[d][d];
            double[][] weights = new double[d][classes];
            for (int i = 0; i < rows.length; i++) {
                float[] r = rows[i];
                for (int p = 0; p < d; p++) {
                    if (r[p] == 0) {
                        continue;
                    }
                    double[] g = gram[p];
                    for (int q = 0; q <= p; q++) {
                        g[q] += (double) r[p] * r[q];
                    }
                    weights[p][(int) labels[i]] += r[p];
                }
            }
            for (int p = 0; p < d; p++) {
                gram[p][p] += ridge;
            }
            // Cholesky in the lower triangle: gram = L Lᵀ.
            for (int j = 0; j < d; j++) {
                double s = gram[j][j];
                for (int m = 0; m < j; m++) {
                    s -= gram[j][m] * gram[j][m];
                }
                gram[j][j] = Math.sqrt(s);
                for (int i = j + 1; i < d; i++) {
                    double t = gram[i][j];
                    for (int m = 0; m < j; m++) {
                        t -= gram[i][m] * gram[j][m];
                    }
                    gram[i][j] = t / gram[j][j];
                }
            }
            for (int c = 0; c < classes; c++) {
                double[] z = new double[d];
                for (int i = 0; i < d; i++) {
                    double t = weights[i][c];
                    for (int m = 0; m < i; m++) {
                        t -= gram[i][m] * z[m];
                    }
                    z[i] = t / gram[i][i];
                }
                for (int i = d - 1; i >= 0; i--) {
                    double t = z[i];
                    for (int m = i + 1; m < d; m++) {
                        t -= gram[m][i] * weights[m][c];
                    }
                    weights[i][c] = t / gram[i][i];
                }
            }
            return weights;
        }

        static double accuracy(double[][] weights, float[][] rows, float[] labels) {
            int correct = 0;
            for (int i = 0; i < rows.length; i++) {
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < weights[0].length; c++) {
                    double score = 0;
                    for (int p = 0; p < rows[i].length; p++) {
                        score += rows[i][p] * weights[p][c];
                    }
                    if (score > bestScore) {
                        bestScore = score;
                        best = c;
                    }
                }
                correct += best == (int) labels[i] ? 1 : 0;
            }
            return correct / (double) rows.length;
        }
    }
}
