using TorchSharp;
using static TorchSharp.torch;

namespace DeskVision.Training;

/// <summary>
/// Batches of model inputs and their boxes. Augmenting: a new shuffle of the images each epoch, each input made by
/// <see cref="Augmenter.Augmented"/>. Not augmenting (validation): the images in their order, each with the plain
/// inference letterbox, so a batch is exactly what an audit would feed the model.
/// </summary>
public sealed class BatchMaker : IDisposable
{
    private readonly Augmenter _augmenter;
    private readonly int _size;
    private readonly bool _augment;
    private readonly Random _random;
    private int[] _order;
    private int _next;

    public BatchMaker(IReadOnlyList<LabelledImage> images, int imageSize, bool augment, int seed)
    {
        if (images.Count == 0) throw new ArgumentException("no images", nameof(images));
        _augmenter = new Augmenter(images, imageSize);
        _size = imageSize;
        _augment = augment;
        _random = new Random(seed);
        _order = NewOrder();
    }

    public int Count => _augmenter.Count;

    /// <summary>The augmentation settings; a trainer may turn mosaic off for the last epochs.</summary>
    public AugmentOptions Options { get => _augmenter.Options; set => _augmenter.Options = value; }

    /// <summary>The image indices of the last batch, in batch order.</summary>
    public IReadOnlyList<int> LastIndices { get; private set; } = [];

    /// <summary>The inference letterbox of image <paramref name="index"/>, to map boxes back to its own pixels.</summary>
    public Letterbox LetterboxOf(int index) => _augmenter.LetterboxOf(index);

    /// <summary>
    /// The next <paramref name="batchSize"/> images ([B,3,S,S] float RGB 0..1) and their boxes ([M,6]: image index in
    /// the batch, class, x1, y1, x2, y2 in input pixels). Wraps round at the end of the images.
    /// </summary>
    public (Tensor Images, Tensor Targets) Next(int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        int plane = 3 * _size * _size;
        var pixels = new float[batchSize * plane];
        var targets = new List<float>();
        var indices = new int[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            if (_next == _order.Length) { _order = NewOrder(); _next = 0; }
            int index = indices[b] = _order[_next++];
            var (bgr, boxes) = _augment ? _augmenter.Augmented(index, _random) : _augmenter.Plain(index);
            using (bgr) Letterbox.ToRgbPlanes(bgr, pixels, b * plane);
            foreach (var box in boxes) targets.AddRange([b, box.ClassId, box.X1, box.Y1, box.X2, box.Y2]);
        }
        LastIndices = indices;
        return (tensor(pixels, [batchSize, 3, _size, _size]), tensor(targets.ToArray(), [targets.Count / 6, 6]));
    }

    private int[] NewOrder()
    {
        var order = Enumerable.Range(0, Count).ToArray();
        if (_augment) _random.Shuffle(order);
        return order;
    }

    public void Dispose() => _augmenter.Dispose();
}
