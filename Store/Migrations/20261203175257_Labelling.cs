using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DeskVision.Store.Migrations
{
    /// <inheritdoc />
    public partial class Labelling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DetectorModels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SiteId = table.Column<int>(type: "integer", nullable: false),
                    FilePath = table.Column<string>(type: "text", nullable: false),
                    FileSha256 = table.Column<string>(type: "text", nullable: false),
                    BaseModel = table.Column<string>(type: "text", nullable: false),
                    DataHash = table.Column<string>(type: "text", nullable: true),
                    ClassNames = table.Column<List<string>>(type: "text[]", nullable: false),
                    ApJson = table.Column<string>(type: "jsonb", nullable: true),
                    RuleMap50 = table.Column<double>(type: "double precision", nullable: true),
                    JudgedAgainst = table.Column<string>(type: "text", nullable: true),
                    AgainstApJson = table.Column<string>(type: "jsonb", nullable: true),
                    AgainstRuleMap50 = table.Column<double>(type: "double precision", nullable: true),
                    JudgedOnFrames = table.Column<List<long>>(type: "bigint[]", nullable: false),
                    TrainedOnFrames = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Verdict = table.Column<string>(type: "text", nullable: true),
                    PromotedBy = table.Column<string>(type: "text", nullable: true),
                    PromotedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RolledBackBy = table.Column<string>(type: "text", nullable: true),
                    RolledBackAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DetectorModels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DetectorModels_Sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "Sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LabelledFrames",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CameraId = table.Column<int>(type: "integer", nullable: false),
                    AuditId = table.Column<long>(type: "bigint", nullable: true),
                    ImagePath = table.Column<string>(type: "text", nullable: true),
                    Unblurred = table.Column<bool>(type: "boolean", nullable: false),
                    Width = table.Column<int>(type: "integer", nullable: false),
                    Height = table.Column<int>(type: "integer", nullable: false),
                    TakenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HeldBack = table.Column<bool>(type: "boolean", nullable: false),
                    DoneBy = table.Column<string>(type: "text", nullable: true),
                    DoneAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ImportedFrom = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LabelledFrames", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LabelledFrames_Audits_AuditId",
                        column: x => x.AuditId,
                        principalTable: "Audits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_LabelledFrames_Cameras_CameraId",
                        column: x => x.CameraId,
                        principalTable: "Cameras",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SiteTraining",
                columns: table => new
                {
                    SiteId = table.Column<int>(type: "integer", nullable: false),
                    KeepFrames = table.Column<bool>(type: "boolean", nullable: false),
                    MinNewFrames = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiteTraining", x => x.SiteId);
                    table.ForeignKey(
                        name: "FK_SiteTraining_Sites_SiteId",
                        column: x => x.SiteId,
                        principalTable: "Sites",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FrameLabels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FrameId = table.Column<long>(type: "bigint", nullable: false),
                    ClassName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    X1 = table.Column<float>(type: "real", nullable: false),
                    Y1 = table.Column<float>(type: "real", nullable: false),
                    X2 = table.Column<float>(type: "real", nullable: false),
                    Y2 = table.Column<float>(type: "real", nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    By = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FrameLabels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FrameLabels_LabelledFrames_FrameId",
                        column: x => x.FrameId,
                        principalTable: "LabelledFrames",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DetectorModels_SiteId_PromotedAt",
                table: "DetectorModels",
                columns: new[] { "SiteId", "PromotedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FrameLabels_FrameId",
                table: "FrameLabels",
                column: "FrameId");

            migrationBuilder.CreateIndex(
                name: "IX_LabelledFrames_AuditId",
                table: "LabelledFrames",
                column: "AuditId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LabelledFrames_CameraId_DoneAt",
                table: "LabelledFrames",
                columns: new[] { "CameraId", "DoneAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DetectorModels");

            migrationBuilder.DropTable(
                name: "FrameLabels");

            migrationBuilder.DropTable(
                name: "SiteTraining");

            migrationBuilder.DropTable(
                name: "LabelledFrames");
        }
    }
}
