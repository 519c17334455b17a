using DeskVision.Audits;
using DeskVision.Training;
using Hangfire;

namespace DeskVision.Web.Training;

/// <summary>
/// A training run as a Hangfire job on the <c>training</c> queue: only servers started with that queue take it
/// (<c>deskvision worker --queues training</c>), so one stronger machine trains while the others audit. The nightly
/// labelling job enqueues it with <see cref="Enqueue"/>; progress goes to the log one line per epoch.
/// </summary>
public sealed class TrainingJob(ILogger<TrainingJob> log)
{
    public const string Queue = "training";

    public static string Enqueue(IBackgroundJobClient jobs, TrainOptions options) =>
        jobs.Create<TrainingJob>(j => j.Run(options, CancellationToken.None), new Hangfire.States.EnqueuedState(Queue));

    // One attempt: a failed run keeps its checkpoint, and a retry would start over rather than resume unless asked to.
    [Queue(Queue), AutomaticRetry(Attempts = 0), DisableConcurrentExecution(timeoutInSeconds: 60)]
    public TrainResult Run(TrainOptions options, CancellationToken cancel)
    {
        log.LogInformation("Training {Out} from {Base} on {Images}", options.Out, options.Base, options.Images);
        var progress = new Cli.SyncProgress<TrainProgress>(p =>
        {
            if (p.ValMap50 is double map)
                log.LogInformation("Training {Out}: epoch {Epoch}/{Epochs}, loss box {Box:0.000} cls {Cls:0.000} dfl {Dfl:0.000}, val mAP50 {Map:0.000} (best {Best:0.000}), {Seconds:0} s/epoch, {Left} left",
                    options.Out, p.Epoch, p.Epochs, p.Loss.Box, p.Loss.Cls, p.Loss.Dfl, map, p.BestMap50, p.SecondsPerEpoch, p.Remaining);
        });
        var result = Trainer.Run(options, progress, cancel);
        log.LogInformation("Trained {Out}: best epoch {Best} of {Epochs}, val mAP50 {Stock:0.000} -> {Map:0.000}",
            result.OutPath, result.BestEpoch, result.EpochsRun, result.StockMap50, result.BestMap50);
        return result;
    }
}
