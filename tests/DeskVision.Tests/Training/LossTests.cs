using DeskVision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DeskVision.Tests.Training;

/// <summary>
/// The loss on a hand-made 64×64 input: one level of stride 8 (8×8 anchors), three classes of which the set labels
/// 0 and 1, and one object of class 1 at pixels (12,20)-(44,52).
/// </summary>
public sealed class LossTests
{
    private const int Grid = 8, Stride = 8, RegMax = 16, Classes = 3;
    private static readonly float[] Object = [12, 20, 44, 52];

    public LossTests() => TorchSetup.Init();

    [Fact]
    public void A_perfect_prediction_costs_less_than_a_shifted_one()
    {
        using var scope = NewDisposeScope();
        var loss = new DetectionLoss(Classes, new HashSet<int> { 0, 1 });
        var (anchors, strides) = Anchors();

        var (perfect, perfectParts) = loss.Compute(Distances(Object), Logits(Object, 1), anchors, strides, Targets());
        var (shifted, shiftedParts) = loss.Compute(Distances([28, 20, 60, 52]), Logits([28, 20, 60, 52], 1), anchors, strides, Targets());
        var (wrongClass, _) = loss.Compute(Distances(Object), Logits(Object, 0), anchors, strides, Targets());

        Assert.True(perfect.item<float>() < shifted.item<float>(), $"perfect {perfectParts} against shifted {shiftedParts}");
        Assert.True(perfect.item<float>() < wrongClass.item<float>());
        Assert.True(perfectParts.Box < 0.05, $"CIoU loss of an exact box: {perfectParts.Box}");
        Assert.True(shiftedParts.Box > 10 * perfectParts.Box + 0.1);
        Assert.True(shiftedParts.Dfl > perfectParts.Dfl);
    }

    [Fact]
    public void Gradients_reach_the_box_distributions_and_the_supervised_class_columns_only()
    {
        using var scope = NewDisposeScope();
        var loss = new DetectionLoss(Classes, new HashSet<int> { 0, 1 });
        var (anchors, strides) = Anchors();
        var boxDist = (randn(1, 4 * RegMax, Grid * Grid) * 0.1).requires_grad_();
        var clsLogits = (randn(1, Classes, Grid * Grid) - 2).requires_grad_();

        var (total, parts) = loss.Compute(boxDist, clsLogits, anchors, strides, Targets());
        total.backward();

        Assert.True(parts.Box > 0 && parts.Cls > 0 && parts.Dfl > 0, parts.ToString());
        Assert.True(boxDist.grad!.abs().sum().item<float>() > 0);
        Assert.True(clsLogits.grad![0, 1].abs().sum().item<float>() > 0, "the labelled class learns");
        Assert.True(clsLogits.grad![0, 0].abs().sum().item<float>() > 0, "a labelled class with no object here learns it is absent");
        Assert.Equal(0f, clsLogits.grad![0, 2].abs().sum().item<float>()); // never labelled: left as the base model had it
    }

    [Fact]
    public void A_batch_without_objects_teaches_only_absence()
    {
        using var scope = NewDisposeScope();
        var loss = new DetectionLoss(Classes, new HashSet<int> { 0, 1 });
        var (anchors, strides) = Anchors();
        var boxDist = randn(1, 4 * RegMax, Grid * Grid).requires_grad_();
        var clsLogits = zeros(1, Classes, Grid * Grid).requires_grad_();

        var (total, parts) = loss.Compute(boxDist, clsLogits, anchors, strides, zeros(0, 6));
        total.backward();

        Assert.True(float.IsFinite(total.item<float>()));
        Assert.Equal((0.0, 0.0), (parts.Box, parts.Dfl));
        Assert.True(clsLogits.grad![0, 0].min().item<float>() > 0, "every score is pushed down");
        Assert.Equal(0f, boxDist.grad!.abs().sum().item<float>());
    }

    [Fact]
    public void The_assigner_picks_at_most_k_anchors_inside_each_object_and_one_object_per_anchor()
    {
        using var scope = NewDisposeScope();
        var (anchors, strides) = Anchors();
        var anchorPixels = anchors * strides;
        // Two overlapping objects; predictions: every anchor predicts the first object's box with score 0.5.
        var gt = tensor(new float[] { 12, 20, 44, 52, 20, 20, 60, 60 }, [1, 2, 4]);
        var pred = tensor(new float[] { 12, 20, 44, 52 }).view(1, 1, 4).expand(1, Grid * Grid, 4);
        var scores = full(1, Grid * Grid, Classes, 0.5f);
        var assigner = new TaskAlignedAssigner(topK: 5);

        using var result = assigner.Assign(scores, pred, anchorPixels, gt, tensor(new long[] { 1, 0 }, [1, 2]), tensor(new[] { true, true }, [1, 2]));

        var fg = result.Foreground[0].data<bool>().ToArray();
        var points = anchorPixels.data<float>().ToArray();
        int positives = fg.Count(f => f);
        Assert.InRange(positives, 5, 10);
        for (int a = 0; a < fg.Length; a++)
        {
            if (!fg[a]) { Assert.Equal(0f, result.Scores[0, a].sum().item<float>()); continue; }
            float x = points[2 * a], y = points[2 * a + 1];
            var box = result.Boxes[0, a].data<float>().ToArray();
            Assert.True(x > box[0] && x < box[2] && y > box[1] && y < box[3], $"anchor ({x},{y}) outside its object");
            // Its target is one class (one object), at most the IoU of its prediction with that object.
            var s = result.Scores[0, a].data<float>().ToArray();
            Assert.Single(s, v => v > 0);
            Assert.True(s.Max() <= 1.0001f);
        }
        // The first object's best anchors predict its box exactly: its targets reach IoU 1.
        Assert.Equal(1f, result.Scores[0, .., 1].max().item<float>(), 3);
    }

    private static (Tensor Anchors, Tensor Strides) Anchors()
    {
        var points = new float[Grid * Grid * 2];
        for (int y = 0; y < Grid; y++)
            for (int x = 0; x < Grid; x++) { points[2 * (y * Grid + x)] = x + 0.5f; points[2 * (y * Grid + x) + 1] = y + 0.5f; }
        return (tensor(points, [Grid * Grid, 2]), full(Grid * Grid, 1, (float)Stride));
    }

    private static Tensor Targets() => tensor(new float[] { 0, 1, Object[0], Object[1], Object[2], Object[3] }, [1, 6]);

    /// <summary>Every anchor's distributions put on the two bins around its exact distances to <paramref name="box"/>.</summary>
    private static Tensor Distances(float[] box)
    {
        var logits = new float[4 * RegMax * Grid * Grid];
        Array.Fill(logits, -20f);
        for (int y = 0; y < Grid; y++)
            for (int x = 0; x < Grid; x++)
            {
                int a = y * Grid + x;
                float ax = x + 0.5f, ay = y + 0.5f;
                float[] d = [ax - box[0] / Stride, ay - box[1] / Stride, box[2] / Stride - ax, box[3] / Stride - ay];
                for (int side = 0; side < 4; side++)
                {
                    float t = Math.Clamp(d[side], 0, RegMax - 1.01f);
                    int left = (int)Math.Floor(t);
                    float wr = t - left, wl = 1 - wr;
                    logits[(side * RegMax + left) * Grid * Grid + a] = MathF.Log(wl + 1e-6f);
                    logits[(side * RegMax + left + 1) * Grid * Grid + a] = MathF.Log(wr + 1e-6f);
                }
            }
        return tensor(logits, [1, 4 * RegMax, Grid * Grid]);
    }

    /// <summary>Confident <paramref name="cls"/> at the anchors inside <paramref name="box"/>, confident nothing elsewhere.</summary>
    private static Tensor Logits(float[] box, int cls)
    {
        var logits = new float[Classes * Grid * Grid];
        Array.Fill(logits, -8f);
        for (int y = 0; y < Grid; y++)
            for (int x = 0; x < Grid; x++)
            {
                float px = (x + 0.5f) * Stride, py = (y + 0.5f) * Stride;
                if (px > box[0] && px < box[2] && py > box[1] && py < box[3]) logits[cls * Grid * Grid + y * Grid + x] = 8f;
            }
        return tensor(logits, [1, Classes, Grid * Grid]);
    }
}
