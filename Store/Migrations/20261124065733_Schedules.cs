// Existing cameras get the same schedule defaults as new ones (three inspections, two spot checks, bursts of 3).
using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DeskVision.Store.Migrations
{
    /// <inheritdoc />
    public partial class Schedules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<DateOnly>>(
                name: "Holidays",
                table: "Sites",
                type: "date[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<int>(
                name: "BurstIntervalSeconds",
                table: "Cameras",
                type: "integer",
                nullable: false,
                defaultValue: 20);

            migrationBuilder.AddColumn<int>(
                name: "BurstSize",
                table: "Cameras",
                type: "integer",
                nullable: false,
                defaultValue: 3);

            migrationBuilder.AddColumn<int>(
                name: "ConsecutiveFailures",
                table: "Cameras",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "EveryMinutes",
                table: "Cameras",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InspectionBands",
                table: "Cameras",
                type: "text",
                nullable: false,
                defaultValue: "09:00-11:30 11:30-14:00 14:00-17:30");

            migrationBuilder.AddColumn<string>(
                name: "LastFailure",
                table: "Cameras",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LastSnapshotAt",
                table: "Cameras",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OfflineSince",
                table: "Cameras",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PasswordProtected",
                table: "Cameras",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ScheduleEnabled",
                table: "Cameras",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<int>(
                name: "SpotChecksPerDay",
                table: "Cameras",
                type: "integer",
                nullable: false,
                defaultValue: 2);

            migrationBuilder.AddColumn<string>(
                name: "User",
                table: "Cameras",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PlannedAuditId",
                table: "Audits",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PlannedAudits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CameraId = table.Column<int>(type: "integer", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    BurstIndex = table.Column<int>(type: "integer", nullable: false),
                    BurstOf = table.Column<long>(type: "bigint", nullable: true),
                    State = table.Column<string>(type: "text", nullable: false),
                    HangfireJobId = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PlannedAudits", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PlannedAudits_Cameras_CameraId",
                        column: x => x.CameraId,
                        principalTable: "Cameras",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Audits_PlannedAuditId",
                table: "Audits",
                column: "PlannedAuditId");

            migrationBuilder.CreateIndex(
                name: "IX_PlannedAudits_CameraId_Day",
                table: "PlannedAudits",
                columns: new[] { "CameraId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_PlannedAudits_State_DueAt",
                table: "PlannedAudits",
                columns: new[] { "State", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "PlannedAudits");

            migrationBuilder.DropIndex(
                name: "IX_Audits_PlannedAuditId",
                table: "Audits");

            migrationBuilder.DropColumn(
                name: "Holidays",
                table: "Sites");

            migrationBuilder.DropColumn(
                name: "BurstIntervalSeconds",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "BurstSize",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "ConsecutiveFailures",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "EveryMinutes",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "InspectionBands",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "LastFailure",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "LastSnapshotAt",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "OfflineSince",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "PasswordProtected",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "ScheduleEnabled",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "SpotChecksPerDay",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "User",
                table: "Cameras");

            migrationBuilder.DropColumn(
                name: "PlannedAuditId",
                table: "Audits");
        }
    }
}
