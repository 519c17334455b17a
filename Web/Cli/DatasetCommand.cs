using DeskVision.Audits;
using DeskVision.Store;
using DeskVision.Web.Audits;
using DeskVision.Web.Labelling;

namespace DeskVision.Web.Cli;

/// <summary><c>deskvision dataset export --site KEY --out DIR</c> and <c>deskvision dataset import DIR --camera KEY [--held-back]</c>.</summary>
public static class DatasetCommand
{
    public static async Task<int> RunAsync(CommandArgs args, CancellationToken ct)
    {
        string verb = args.Positional.FirstOrDefault() ?? throw new UsageException("dataset export|import: say which");
        await using var db = new DeskVisionDb(DeskVisionDb.Options(AppSettings.ConnectionString()));
        var training = new TrainingFolder(TrainingFolder.DefaultRoot);
        try
        {
            switch (verb)
            {
                case "export":
                    var e = await YoloDatasets.ExportAsync(db, args.Get("site") ?? throw new UsageException("dataset export needs --site KEY"),
                        args.Get("out") ?? throw new UsageException("dataset export needs --out DIR"), new EvidenceFolder(AppSettings.EvidenceRoot), training,
                        includeHeldBack: true, ct);
                    Console.WriteLine($"exported {e.TrainFrames} train + {e.ValFrames} val frames, {e.Boxes} boxes, classes: {string.Join(", ", e.Classes)} to {e.Folder} (data hash {e.DataHash[..12]})");
                    return 0;
                case "import":
                    string dir = args.Positional.ElementAtOrDefault(1) ?? throw new UsageException("dataset import DIR --camera KEY");
                    var i = await YoloDatasets.ImportAsync(db, dir, args.Get("camera") ?? throw new UsageException("dataset import needs --camera KEY"),
                        $"import by {Environment.UserName}", training, args.Flag("held-back"), DateTimeOffset.UtcNow, ct);
                    Console.WriteLine($"imported {i.Frames} frames ({i.HeldBack} held back), {i.Boxes} boxes, classes: {string.Join(", ", i.Classes)}");
                    return 0;
                default:
                    throw new UsageException($"dataset {verb}: expected export or import");
            }
        }
        catch (DatasetRefusedException e)
        {
            Console.Error.WriteLine($"deskvision: {e.Message}");
            return 1;
        }
    }
}
