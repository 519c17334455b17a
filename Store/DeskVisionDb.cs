using System.Text.Json;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Design;

namespace DeskVision.Store;

/// <remarks>Also holds the Data Protection keys, so every web and worker process can read the camera passwords the others stored.</remarks>
public sealed partial class DeskVisionDb(DbContextOptions<DeskVisionDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Site> Sites => Set<Site>();
    public DbSet<Window> Windows => Set<Window>();
    public DbSet<Camera> Cameras => Set<Camera>();
    public DbSet<CameraZone> CameraZones => Set<CameraZone>();
    public DbSet<CameraReference> CameraReferences => Set<CameraReference>();
    public DbSet<Staff> Staff => Set<Staff>();
    public DbSet<StandardVersion> StandardVersions => Set<StandardVersion>();
    public DbSet<Clause> Clauses => Set<Clause>();
    public DbSet<Audit> Audits => Set<Audit>();
    public DbSet<AuditDetection> AuditDetections => Set<AuditDetection>();
    public DbSet<AuditViolation> AuditViolations => Set<AuditViolation>();
    public DbSet<PlannedAudit> PlannedAudits => Set<PlannedAudit>();
    public DbSet<UserAccount> Users => Set<UserAccount>();
    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();
    public DbSet<SiteWebhook> SiteWebhooks => Set<SiteWebhook>();
    public DbSet<DutyShift> DutyShifts => Set<DutyShift>();
    public DbSet<Appeal> Appeals => Set<Appeal>();
    public DbSet<LabelledFrame> LabelledFrames => Set<LabelledFrame>();
    public DbSet<FrameLabel> FrameLabels => Set<FrameLabel>();
    public DbSet<SiteTraining> SiteTraining => Set<SiteTraining>();
    public DbSet<DetectorModel> DetectorModels => Set<DetectorModel>();

    public static DbContextOptions<DeskVisionDb> Options(string connectionString) =>
        new DbContextOptionsBuilder<DeskVisionDb>()
            .UseNpgsql(connectionString, o => o.EnableRetryOnFailure(3))
            .Options;

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Site>().HasIndex(s => s.Key).IsUnique();
        b.Entity<Camera>().HasIndex(c => c.Key).IsUnique();
        b.Entity<CameraZone>().HasIndex(z => new { z.CameraId, z.Name }).IsUnique();
        b.Entity<CameraZone>().Property(z => z.Polygon).HasColumnType("jsonb").HasConversion(
            p => JsonSerializer.Serialize(p, (JsonSerializerOptions?)null),
            s => JsonSerializer.Deserialize<double[][]>(s, (JsonSerializerOptions?)null) ?? Array.Empty<double[]>(),
            new ValueComparer<double[][]>((a, b) => JsonSerializer.Serialize(a, (JsonSerializerOptions?)null) == JsonSerializer.Serialize(b, (JsonSerializerOptions?)null),
                p => JsonSerializer.Serialize(p, (JsonSerializerOptions?)null).GetHashCode(),
                p => p.Select(xy => xy.ToArray()).ToArray()));
        b.Entity<Audit>().Property(a => a.ConditionsSeen).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb").HasConversion(
            p => JsonSerializer.Serialize(p, (JsonSerializerOptions?)null),
            s => JsonSerializer.Deserialize<string[][]>(s, (JsonSerializerOptions?)null) ?? Array.Empty<string[]>(),
            new ValueComparer<string[][]>((a, b) => JsonSerializer.Serialize(a, (JsonSerializerOptions?)null) == JsonSerializer.Serialize(b, (JsonSerializerOptions?)null),
                p => JsonSerializer.Serialize(p, (JsonSerializerOptions?)null).GetHashCode(),
                p => p.Select(c => c.ToArray()).ToArray()));
        b.Entity<CameraReference>().HasIndex(r => new { r.CameraId, r.Kind }).IsUnique();
        b.Entity<CameraReference>().Property(r => r.Kind).HasMaxLength(16);
        b.Entity<StandardVersion>().HasIndex(s => s.ContentHash).IsUnique();
        b.Entity<StandardVersion>().HasIndex(s => s.PublishedAt);
        b.Entity<StandardVersion>().Property(s => s.Origin).HasMaxLength(16);
        b.Entity<Clause>().HasIndex(c => new { c.StandardVersionId, c.Key }).IsUnique();
        b.Entity<Clause>().Property(c => c.RulesJson).HasColumnType("jsonb");
        b.Entity<Audit>().HasIndex(a => new { a.CameraId, a.TakenAt });
        b.Entity<Audit>().HasIndex(a => a.RunKey).IsUnique();
        b.Entity<Audit>().Property(a => a.Status).HasMaxLength(16);
        b.Entity<AuditViolation>().HasIndex(v => v.ClauseId);
        b.Entity<PlannedAudit>().HasIndex(p => new { p.CameraId, p.Day });
        b.Entity<UserAccount>().HasIndex(u => u.UserName).IsUnique();
        b.Entity<AuditLogEntry>().HasIndex(e => e.At);
        b.Entity<PlannedAudit>().HasIndex(p => new { p.State, p.DueAt });
        b.Entity<Audit>().HasIndex(a => a.PlannedAuditId);
        // Two relationships between violations and audits: the audit that found it, and the one that rectified it.
        b.Entity<AuditViolation>().HasOne(v => v.Audit).WithMany(a => a.Violations).HasForeignKey(v => v.AuditId);
        b.Entity<AuditViolation>().HasOne(v => v.RectifiedByAudit).WithMany().HasForeignKey(v => v.RectifiedByAuditId).OnDelete(DeleteBehavior.SetNull);
        b.Entity<Appeal>().HasIndex(p => p.ViolationId).IsUnique();
        b.Entity<Appeal>().HasOne(p => p.Violation).WithOne(v => v.Appeal).HasForeignKey<Appeal>(p => p.ViolationId);
        b.Entity<Appeal>().Property(p => p.Outcome).HasMaxLength(16);
        b.Entity<DutyShift>().HasIndex(s => new { s.WindowId, s.From });
        b.Entity<DutyShift>().HasIndex(s => new { s.StaffId, s.From });
        b.Entity<DutyShift>().Property(s => s.Source).HasMaxLength(16);
        OnLabellingCreating(b);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running app.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<DeskVisionDb>
{
    public DeskVisionDb CreateDbContext(string[] args) =>
        new(DeskVisionDb.Options(Environment.GetEnvironmentVariable("DESKVISION_DB") ?? "Host=127.0.0.1;Database=deskvision_design"));
}
