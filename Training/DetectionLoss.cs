using TorchSharp;
using static TorchSharp.torch;

namespace DeskVision.Training;

/// <summary>The three parts of the detection loss (after their gains), for progress lines.</summary>
public readonly record struct LossParts(double Box, double Cls, double Dfl);

/// <summary>
/// The YOLOv8-style detection loss, written from the papers: task-aligned assignment (TOOD), binary cross-entropy of
/// the class scores against the aligned soft targets, CIoU (Zheng et al. 2020) and the distribution focal loss of
/// Generalized Focal Loss (Li et al., NeurIPS 2020) on the 16-bin box side distances; each normalised by the sum of
/// the soft targets and weighted by the published gains box 7.5, cls 0.5, dfl 1.5. Only the class columns in
/// <c>supervisedClasses</c> enter the classification loss: a class the data never labels gets no gradient, so the
/// base model's cups and books are not taught to be background. (Masking alone does not keep them: the shared layers
/// still move. The written model answers for them with the base model's own branch, decision 15.)
/// <para>The total is per batch, not multiplied by the batch size.</para>
/// </summary>
public sealed class DetectionLoss
{
    public const double BoxGain = 7.5, ClsGain = 0.5, DflGain = 1.5;

    private readonly int _numClasses, _regMax;
    private readonly long[] _supervised;
    private readonly TaskAlignedAssigner _assigner = new();

    public DetectionLoss(int numClasses, IReadOnlySet<int> supervisedClasses, int regMax = 16)
    {
        if (supervisedClasses.Count == 0) throw new ArgumentException("no supervised class", nameof(supervisedClasses));
        if (supervisedClasses.Any(c => c < 0 || c >= numClasses))
            throw new ArgumentOutOfRangeException(nameof(supervisedClasses), $"class ids must lie in 0..{numClasses - 1}");
        _numClasses = numClasses;
        _regMax = regMax;
        _supervised = [.. supervisedClasses.Order().Select(c => (long)c)];
    }

    /// <param name="boxDist">[B,4·regMax,A] logits of the left, top, right, bottom distance bins (grid units).</param>
    /// <param name="clsLogits">[B,nc,A] class logits.</param>
    /// <param name="anchorPoints">[A,2] anchor centres in grid units of their level (cell + 0.5).</param>
    /// <param name="strides">[A,1] the stride of each anchor's level.</param>
    /// <param name="targets">[M,6]: image index in the batch, class, x1, y1, x2, y2 in input pixels.</param>
    public (Tensor Total, LossParts Parts) Compute(Tensor boxDist, Tensor clsLogits, Tensor anchorPoints, Tensor strides, Tensor targets)
    {
        using var scope = NewDisposeScope();
        long batch = boxDist.shape[0], count = boxDist.shape[2];
        if (clsLogits.shape[1] != _numClasses) throw new ArgumentException($"{clsLogits.shape[1]} class columns, expected {_numClasses}", nameof(clsLogits));

        var dist = boxDist.view(batch, 4, _regMax, count).permute(0, 3, 1, 2); // [B,A,4,R]
        var logits = clsLogits.permute(0, 2, 1); // [B,A,nc]
        var bins = arange(_regMax, dtype: ScalarType.Float32);
        var sides = dist.softmax(-1).matmul(bins); // [B,A,4] expected distances, grid units
        var predGrid = cat([anchorPoints - sides[.., .., 0..2], anchorPoints + sides[.., .., 2..4]], -1); // [B,A,4]
        var anchorPixels = anchorPoints * strides;

        var (gtBoxes, gtClasses, gtValid) = PadTargets(targets, batch);
        using var assignment = _assigner.Assign(logits.detach().sigmoid(), predGrid.detach() * strides, anchorPixels, gtBoxes, gtClasses, gtValid);
        var targetScores = assignment.Scores;
        var fg = assignment.Foreground;
        var scoreSum = targetScores.sum().clamp_min(1);

        // Classification: BCE over the supervised columns only, every anchor (positives towards their aligned score).
        var columns = tensor(_supervised);
        var cls = nn.functional.binary_cross_entropy_with_logits(
            logits.index_select(2, columns), targetScores.index_select(2, columns), reduction: nn.Reduction.Sum) / scoreSum;

        Tensor box, dfl;
        if (fg.any().item<bool>())
        {
            var weight = targetScores.sum(-1)[fg].unsqueeze(-1); // [P,1]
            var targetGrid = assignment.Boxes / strides; // [B,A,4] grid units
            box = ((1 - BoxGeometry.CIoU(predGrid[fg], targetGrid[fg])).unsqueeze(-1) * weight).sum() / scoreSum;

            // Distances from the anchor to the target's sides, as a distribution over the integer bins either side.
            var anchorsB = anchorPoints.unsqueeze(0).expand(batch, count, 2);
            var targetSides = cat([anchorsB - targetGrid[.., .., 0..2], targetGrid[.., .., 2..4] - anchorsB], -1)[fg]
                .clamp(0, _regMax - 1 - 0.01); // [P,4]
            dfl = (DistributionFocal(dist[fg], targetSides) * weight).sum() / scoreSum;
        }
        else
        {
            box = boxDist.sum() * 0; // keeps the graph (and zero gradients) when a batch has no objects
            dfl = boxDist.sum() * 0;
        }

        var total = box * BoxGain + cls * ClsGain + dfl * DflGain;
        var parts = new LossParts(box.item<float>() * BoxGain, cls.item<float>() * ClsGain, dfl.item<float>() * DflGain);
        return (total.MoveToOuterDisposeScope(), parts);
    }

    /// <summary>
    /// GFL's distribution focal loss: the target distance y lies between bins ⌊y⌋ and ⌊y⌋+1; cross-entropy to each,
    /// weighted by nearness, pushes the distribution's mass onto the two bins that bracket y. Mean over the 4 sides.
    /// </summary>
    private static Tensor DistributionFocal(Tensor logits /*[P,4,R]*/, Tensor target /*[P,4]*/)
    {
        var left = target.floor().to_type(ScalarType.Int64);
        var right = left + 1;
        var wl = right.to_type(ScalarType.Float32) - target;
        var wr = 1 - wl;
        var logp = logits.log_softmax(-1);
        var nll = -(logp.gather(-1, left.unsqueeze(-1)).squeeze(-1) * wl + logp.gather(-1, right.unsqueeze(-1)).squeeze(-1) * wr);
        return nll.mean([-1], keepdim: true); // [P,1]
    }

    /// <summary>The [M,6] target rows as per-image padded tensors: boxes [B,Mmax,4], classes [B,Mmax], valid [B,Mmax].</summary>
    private static (Tensor Boxes, Tensor Classes, Tensor Valid) PadTargets(Tensor targets, long batch)
    {
        var rows = targets.numel() == 0 ? [] : targets.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        int m = rows.Length / 6;
        var perImage = new int[batch];
        for (int i = 0; i < m; i++) perImage[(int)rows[i * 6]]++;
        int most = perImage.Length == 0 ? 0 : perImage.Max();
        var boxes = new float[batch * most * 4];
        var classes = new long[batch * most];
        var valid = new bool[batch * most];
        var filled = new int[batch];
        for (int i = 0; i < m; i++)
        {
            int b = (int)rows[i * 6], slot = b * most + filled[b]++;
            classes[slot] = (long)rows[i * 6 + 1];
            valid[slot] = true;
            for (int k = 0; k < 4; k++) boxes[slot * 4 + k] = rows[i * 6 + 2 + k];
        }
        return (tensor(boxes, [batch, most, 4]), tensor(classes, [batch, most]), tensor(valid, [batch, most]));
    }
}
