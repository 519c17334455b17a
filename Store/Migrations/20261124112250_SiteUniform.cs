using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeskVision.Store.Migrations
{
    /// <inheritdoc />
    public partial class SiteUniform : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "UniformHasTie",
                table: "Sites",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "UniformTieWeight",
                table: "Sites",
                type: "double precision",
                nullable: false,
                // Existing sites get the shipped default weight (it applies only once a site says its uniform has a tie).
                defaultValue: 0.2);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "UniformHasTie",
                table: "Sites");

            migrationBuilder.DropColumn(
                name: "UniformTieWeight",
                table: "Sites");
        }
    }
}
