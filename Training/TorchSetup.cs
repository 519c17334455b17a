using TorchSharp;

namespace DeskVision.Training;

/// <summary>One place that loads LibTorch and sets its thread count, so every entry point (CLI, job, tests) agrees.</summary>
public static class TorchSetup
{
    private static readonly Lock Gate = new();
    private static bool _done;

    /// <param name="threads">Intra-op threads; 0 = one per core.</param>
    public static void Init(int threads = 0)
    {
        lock (Gate)
        {
            int n = threads > 0 ? threads : Environment.ProcessorCount;
            if (!_done)
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                _done = true;
            }
            torch.set_num_threads(n);
        }
    }
}
