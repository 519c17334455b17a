using DeskVision.Audits;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Labelling;
using DeskVision.Web.Models;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Labelling;

/// <summary>
/// The audit job as a worker runs it: a model version promoted for a hall judges that hall's next audit, without a
/// restart, and the audit names it; another hall keeps the stock model. With <c>training.keep_frames</c> on, the
/// unblurred frame is kept beside the blurred evidence.
/// </summary>
[Collection(DetectorCollection.Name)]
public sealed class ModelPickupTests(DatabaseFixture database)
{
    [Fact]
    public async Task A_promoted_model_judges_the_halls_next_audit_and_the_audit_names_it()
    {
        using var training = new TestData.TempFolder();
        Environment.SetEnvironmentVariable("DESKVISION_TRAINING", training.Path);
        await using var host = await AuditJobHost.StartAsync(database);
        string hall = $"pickup-{Guid.NewGuid():N}"[..15], other = hall + "-b";
        string camera = await host.AddCameraAsync(CameraMode.Live, hall), elsewhere = await host.AddCameraAsync(CameraMode.Live, other);
        var (_, before) = await host.RunAsync(camera);

        await using (var db = database.NewContext())
        {
            Assert.StartsWith("yolov8n.onnx@", (await db.Audits.SingleAsync(a => a.Id == before)).ModelId);
            int site = await db.Sites.Where(s => s.Key == hall).Select(s => s.Id).SingleAsync();
            string s = TestData.ModelPath("s");
            db.DetectorModels.Add(new DetectorModel
            {
                SiteId = site, FilePath = s, FileSha256 = ModelVersions.Sha256(s), BaseModel = "stock s", Status = DetectorModelStatuses.Promoted,
                PromotedAt = DateTimeOffset.UtcNow, PromotedBy = "admin", CreatedAt = DateTimeOffset.UtcNow,
            });
            db.SiteTraining.Add(new SiteTraining { SiteId = site, KeepFrames = true });
            await db.SaveChangesAsync();
        }

        var (_, after) = await host.RunAsync(camera);
        var (_, stock) = await host.RunAsync(elsewhere);

        await using (var db = database.NewContext())
        {
            var audit = await db.Audits.SingleAsync(a => a.Id == after);
            Assert.StartsWith("yolov8s.onnx@", audit.ModelId);
            Assert.StartsWith("yolov8n.onnx@", (await db.Audits.SingleAsync(a => a.Id == stock)).ModelId);
            // keep_frames on: the picture as the camera sent it, apart from the blurred evidence; off for the other hall.
            string kept = Path.Combine(training.Path, KeptFrames.PathFor(audit.SnapshotPath)!);
            Assert.True(File.Exists(kept), "the unblurred frame is kept for training");
            using (var picture = OpenCvSharp.Cv2.ImRead(kept)) Assert.Equal((audit.ImageWidth, audit.ImageHeight), (picture.Width, picture.Height));
            var stockAudit = await db.Audits.SingleAsync(a => a.Id == stock);
            Assert.False(File.Exists(Path.Combine(training.Path, KeptFrames.PathFor(stockAudit.SnapshotPath)!)));
        }
    }
}
