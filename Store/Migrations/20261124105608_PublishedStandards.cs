using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeskVision.Store.Migrations
{
    /// <inheritdoc />
    public partial class PublishedStandards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Content",
                table: "StandardVersions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Origin",
                table: "StandardVersions",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "PublishedAt",
                table: "StandardVersions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PublishedBy",
                table: "StandardVersions",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_StandardVersions_PublishedAt",
                table: "StandardVersions",
                column: "PublishedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_StandardVersions_PublishedAt",
                table: "StandardVersions");

            migrationBuilder.DropColumn(
                name: "Content",
                table: "StandardVersions");

            migrationBuilder.DropColumn(
                name: "Origin",
                table: "StandardVersions");

            migrationBuilder.DropColumn(
                name: "PublishedAt",
                table: "StandardVersions");

            migrationBuilder.DropColumn(
                name: "PublishedBy",
                table: "StandardVersions");
        }
    }
}
