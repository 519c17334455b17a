using TorchSharp;
using static TorchSharp.torch;

namespace DeskVision.Training;

/// <summary>What the assigner gives each anchor: its box and class target, how much to trust it, and whether it is an object.</summary>
public sealed record Assignment(Tensor Boxes, Tensor Scores, Tensor Foreground) : IDisposable
{
    public void Dispose() { Boxes.Dispose(); Scores.Dispose(); Foreground.Dispose(); }
}

/// <summary>
/// Task-aligned assignment (Feng et al., "TOOD: Task-aligned One-stage Object Detection", ICCV 2021): for each object,
/// the anchors whose centres lie inside its box are ranked by t = s^α · IoU^β (s: the predicted score of the object's
/// class, IoU: of the predicted box with the object's), and the top k become its positives; an anchor claimed by
/// several objects keeps the one its box overlaps most. The class target is t rescaled per object so that its best
/// anchor gets that anchor's IoU, which ties classification confidence to localisation quality.
/// </summary>
public sealed class TaskAlignedAssigner(int topK = 10, double alpha = 0.5, double beta = 6.0)
{
    private const double Eps = 1e-9;

    /// <param name="scores">[B,A,C] class probabilities (detached).</param>
    /// <param name="boxes">[B,A,4] predicted x1,y1,x2,y2 in input pixels (detached).</param>
    /// <param name="anchors">[A,2] anchor centres in input pixels.</param>
    /// <param name="gtBoxes">[B,M,4] objects per image, padded to the most any image has.</param>
    /// <param name="gtClasses">[B,M] long class ids (0 where padded).</param>
    /// <param name="gtValid">[B,M] bool: false for padding.</param>
    /// <returns>Boxes [B,A,4] (the assigned object's), Scores [B,A,C] (aligned class targets), Foreground [B,A] bool.</returns>
    public Assignment Assign(Tensor scores, Tensor boxes, Tensor anchors, Tensor gtBoxes, Tensor gtClasses, Tensor gtValid)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long batch = scores.shape[0], count = scores.shape[1], classes = scores.shape[2], objects = gtBoxes.shape[1];
        if (objects == 0)
            return Keep(scope, zeros(batch, count, 4), zeros(batch, count, classes), zeros(batch, count, dtype: ScalarType.Bool));

        // Anchor centres inside each object's box: [B,M,A].
        var a = anchors.view(1, 1, count, 2);
        var g = gtBoxes.unsqueeze(2); // [B,M,1,4]
        var edges = cat([a - g[.., .., .., 0..2], g[.., .., .., 2..4] - a], -1); // [B,M,A,4]
        var inside = edges.amin([-1]).gt(Eps).logical_and(gtValid.unsqueeze(-1));

        // Alignment t = s^α · IoU^β over the anchors inside.
        var overlaps = BoxGeometry.IoU(g, boxes.unsqueeze(1)).clamp_min(0); // [B,M,A]
        var classIndex = gtClasses.unsqueeze(-1).expand(batch, objects, count); // [B,M,A]
        var classScore = scores.permute(0, 2, 1).gather(1, classIndex); // [B,M,A]
        var align = classScore.pow(alpha).mul(overlaps.pow(beta)).mul(inside);

        // The k best-aligned anchors of each object, chosen among those inside it (ties at t = 0 included).
        int k = (int)Math.Min(topK, count);
        var (_, top) = where(inside, align, full_like(align, -1.0)).topk(k, dim: -1);
        var isTop = zeros(batch, objects, count).scatter_(-1, top, ones(batch, objects, k)).to_type(ScalarType.Bool);
        var positive = isTop.logical_and(inside); // [B,M,A]

        // One object per anchor: where several claim it, the one it overlaps most.
        var claims = positive.sum(1); // [B,A]
        var bestObject = overlaps.mul(positive).argmax(1); // [B,A]
        var bestOneHot = nn.functional.one_hot(bestObject, objects).permute(0, 2, 1).to_type(ScalarType.Bool); // [B,M,A]
        positive = where(claims.gt(1).unsqueeze(1), bestOneHot.logical_and(positive), positive);
        var foreground = positive.any(1); // [B,A]
        var assigned = positive.to_type(ScalarType.Float32).argmax(1); // [B,A]: which object

        var targetBoxes = gtBoxes.gather(1, assigned.unsqueeze(-1).expand(batch, count, 4)); // [B,A,4]
        var targetClass = gtClasses.gather(1, assigned); // [B,A]

        // Per object, rescale t so its best positive anchor gets that anchor's IoU.
        align = align.mul(positive);
        var maxAlign = align.amax([-1], keepdim: true);
        var maxOverlap = overlaps.mul(positive).amax([-1], keepdim: true);
        var normalised = align.mul(maxOverlap).div(maxAlign + Eps).amax([1]); // [B,A]
        var targetScores = nn.functional.one_hot(targetClass, classes).to_type(ScalarType.Float32)
            .mul(normalised.mul(foreground).unsqueeze(-1));
        return Keep(scope, targetBoxes, targetScores, foreground);
    }

    private static Assignment Keep(DisposeScope scope, Tensor boxes, Tensor scores, Tensor foreground) =>
        new(boxes.MoveToOuterDisposeScope(), scores.MoveToOuterDisposeScope(), foreground.MoveToOuterDisposeScope());
}

/// <summary>Overlap measures of x1,y1,x2,y2 boxes, broadcasting over the leading dimensions.</summary>
public static class BoxGeometry
{
    private const double Eps = 1e-7;

    public static Tensor IoU(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var (inter, union) = InterUnion(a, b);
        return inter.div(union).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Complete IoU (Zheng et al., "Distance-IoU Loss", AAAI 2020): IoU − ρ²/c² − α·v, with ρ the distance between
    /// centres, c the diagonal of the smallest enclosing box, v = 4/π²·(atan(w_gt/h_gt) − atan(w/h))² the aspect
    /// mismatch and α = v / (1 − IoU + v) a weight taken as a constant (no gradient), as the paper prescribes.
    /// </summary>
    public static Tensor CIoU(Tensor pred, Tensor target)
    {
        using var scope = NewDisposeScope();
        var (inter, union) = InterUnion(pred, target);
        var iou = inter.div(union);
        static Tensor X1(Tensor t) => t[TensorIndex.Ellipsis, 0]; static Tensor Y1(Tensor t) => t[TensorIndex.Ellipsis, 1];
        static Tensor X2(Tensor t) => t[TensorIndex.Ellipsis, 2]; static Tensor Y2(Tensor t) => t[TensorIndex.Ellipsis, 3];
        var cw = maximum(X2(pred), X2(target)) - minimum(X1(pred), X1(target));
        var ch = maximum(Y2(pred), Y2(target)) - minimum(Y1(pred), Y1(target));
        var c2 = cw.pow(2) + ch.pow(2) + Eps;
        var rho2 = ((X1(target) + X2(target) - X1(pred) - X2(pred)).pow(2) + (Y1(target) + Y2(target) - Y1(pred) - Y2(pred)).pow(2)) / 4;
        var wp = X2(pred) - X1(pred); var hp = Y2(pred) - Y1(pred) + Eps;
        var wt = X2(target) - X1(target); var ht = Y2(target) - Y1(target) + Eps;
        var v = (atan(wt / ht) - atan(wp / hp)).pow(2) * (4 / (Math.PI * Math.PI));
        Tensor alpha;
        using (no_grad()) alpha = v / (v - iou + (1 + Eps));
        return (iou - rho2 / c2 - alpha * v).MoveToOuterDisposeScope();
    }

    private static (Tensor Inter, Tensor Union) InterUnion(Tensor a, Tensor b)
    {
        var ax1 = a[TensorIndex.Ellipsis, 0]; var ay1 = a[TensorIndex.Ellipsis, 1];
        var ax2 = a[TensorIndex.Ellipsis, 2]; var ay2 = a[TensorIndex.Ellipsis, 3];
        var bx1 = b[TensorIndex.Ellipsis, 0]; var by1 = b[TensorIndex.Ellipsis, 1];
        var bx2 = b[TensorIndex.Ellipsis, 2]; var by2 = b[TensorIndex.Ellipsis, 3];
        var iw = (minimum(ax2, bx2) - maximum(ax1, bx1)).clamp_min(0);
        var ih = (minimum(ay2, by2) - maximum(ay1, by1)).clamp_min(0);
        var inter = iw * ih;
        var union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter + Eps;
        return (inter, union);
    }
}
