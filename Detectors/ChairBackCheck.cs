using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>
/// Compares the chair-back zone with the same zone in the empty-chair reference picture: a coat hung over the back
/// changes both its structure and its colour. Robust to the hall's lighting drifting: structure by SSIM (which
/// discounts brightness and contrast), colour by the chromatic a*/b* channels of Lab (which leave brightness out).
/// </summary>
public static class ChairBackCheck
{
    /// <summary>Lab a*/b* mean absolute difference that counts as a full change of colour.</summary>
    public const double FullChromaChange = 24;

    /// <returns>Dissimilarity 0 (as the reference) .. 1 (nothing alike) of the region.</returns>
    public static double Dissimilarity(Mat reference, Mat current, Rect region)
    {
        region &= new Rect(0, 0, current.Width, current.Height);
        if (region.Width < 8 || region.Height < 8) return 0;
        using var sameSize = Pictures.SameSize(reference, current.Size());
        using var a = new Mat(sameSize, region);
        using var b = new Mat(current, region);
        double structure = 1 - Ssim(a, b);
        double colour = Math.Min(1, ChromaDifference(a, b) / FullChromaChange);
        return Math.Clamp(Math.Max(structure, colour), 0, 1);
    }

    /// <summary>Mean SSIM of the grey images (Wang et al. 2004: 11×11 Gaussian window, σ 1.5, K1 0.01, K2 0.03).</summary>
    public static double Ssim(Mat bgrA, Mat bgrB)
    {
        using var ga = Pictures.Grey(bgrA);
        using var gb = Pictures.Grey(bgrB);
        using var x = new Mat();
        using var y = new Mat();
        ga.ConvertTo(x, MatType.CV_32F);
        gb.ConvertTo(y, MatType.CV_32F);
        const double c1 = 6.5025, c2 = 58.5225; // (0.01·255)², (0.03·255)²
        var size = new Size(11, 11);
        using var mx = new Mat(); using var my = new Mat();
        Cv2.GaussianBlur(x, mx, size, 1.5);
        Cv2.GaussianBlur(y, my, size, 1.5);
        using var mx2 = mx.Mul(mx).ToMat(); using var my2 = my.Mul(my).ToMat(); using var mxy = mx.Mul(my).ToMat();
        using var sx = new Mat(); using var sy = new Mat(); using var sxy = new Mat();
        using (var xx = x.Mul(x).ToMat()) Cv2.GaussianBlur(xx, sx, size, 1.5);
        using (var yy = y.Mul(y).ToMat()) Cv2.GaussianBlur(yy, sy, size, 1.5);
        using (var xy = x.Mul(y).ToMat()) Cv2.GaussianBlur(xy, sxy, size, 1.5);
        using var varX = (sx - mx2).ToMat(); using var varY = (sy - my2).ToMat(); using var cov = (sxy - mxy).ToMat();
        // Cv2 calls rather than operators: each operator's intermediate MatExpr would be native memory nobody disposes.
        using var n1 = new Mat(); using var n2 = new Mat(); using var d1 = new Mat(); using var d2 = new Mat();
        Cv2.AddWeighted(mxy, 2, mxy, 0, c1, n1);
        Cv2.AddWeighted(cov, 2, cov, 0, c2, n2);
        Cv2.Add(mx2, my2, d1); Cv2.Add(d1, new Scalar(c1), d1);
        Cv2.Add(varX, varY, d2); Cv2.Add(d2, new Scalar(c2), d2);
        using var num = n1.Mul(n2).ToMat();
        using var den = d1.Mul(d2).ToMat();
        using var map = new Mat();
        Cv2.Divide(num, den, map);
        return Cv2.Mean(map).Val0;
    }

    /// <summary>Mean absolute difference of the Lab a* and b* channels, after a blur that removes JPEG and sensor noise.</summary>
    public static double ChromaDifference(Mat bgrA, Mat bgrB)
    {
        using var la = Lab(bgrA);
        using var lb = Lab(bgrB);
        using var diff = new Mat();
        Cv2.Absdiff(la, lb, diff);
        var mean = Cv2.Mean(diff);
        return (mean.Val1 + mean.Val2) / 2;
    }

    private static Mat Lab(Mat bgr)
    {
        using var blurred = new Mat();
        Cv2.GaussianBlur(bgr, blurred, new Size(7, 7), 0);
        var lab = new Mat();
        Cv2.CvtColor(blurred, lab, ColorConversionCodes.BGR2Lab);
        return lab;
    }
}
