using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeskVision.Store.Migrations
{
    /// <inheritdoc />
    public partial class SkipUnchanged : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ChangeNote",
                table: "Audits",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DetectionsReusedFrom",
                table: "Audits",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "ZoneSignature",
                table: "Audits",
                type: "bytea",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ChangeNote",
                table: "Audits");

            migrationBuilder.DropColumn(
                name: "DetectionsReusedFrom",
                table: "Audits");

            migrationBuilder.DropColumn(
                name: "ZoneSignature",
                table: "Audits");
        }
    }
}
