using Microsoft.EntityFrameworkCore;

namespace DeskVision.Store;

public sealed partial class DeskVisionDb
{
    /// <summary>The labelling and model-version tables (issue 15), kept apart from the audit tables' configuration.</summary>
    private static void OnLabellingCreating(ModelBuilder b)
    {
        b.Entity<LabelledFrame>().HasIndex(f => f.AuditId).IsUnique();
        b.Entity<LabelledFrame>().HasIndex(f => new { f.CameraId, f.DoneAt });
        b.Entity<LabelledFrame>().HasOne(f => f.Audit).WithMany().HasForeignKey(f => f.AuditId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<FrameLabel>().HasOne(l => l.Frame).WithMany(f => f.Labels).HasForeignKey(l => l.FrameId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<FrameLabel>().Property(l => l.Source).HasMaxLength(16);
        b.Entity<FrameLabel>().Property(l => l.ClassName).HasMaxLength(64);
        b.Entity<SiteTraining>().HasKey(s => s.SiteId);
        b.Entity<SiteTraining>().HasOne<Site>().WithOne().HasForeignKey<SiteTraining>(s => s.SiteId).OnDelete(DeleteBehavior.Cascade);
        b.Entity<DetectorModel>().HasIndex(m => new { m.SiteId, m.PromotedAt });
        b.Entity<DetectorModel>().Property(m => m.Status).HasMaxLength(16);
        b.Entity<DetectorModel>().Property(m => m.ApJson).HasColumnType("jsonb");
        b.Entity<DetectorModel>().Property(m => m.AgainstApJson).HasColumnType("jsonb");
    }
}
