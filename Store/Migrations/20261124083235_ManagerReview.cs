using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DeskVision.Store.Migrations
{
    /// <inheritdoc />
    public partial class ManagerReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Appeals_Staff_StaffId",
                table: "Appeals");

            migrationBuilder.AlterColumn<int>(
                name: "StaffId",
                table: "Appeals",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AddForeignKey(
                name: "FK_Appeals_Staff_StaffId",
                table: "Appeals",
                column: "StaffId",
                principalTable: "Staff",
                principalColumn: "Id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Appeals_Staff_StaffId",
                table: "Appeals");

            migrationBuilder.AlterColumn<int>(
                name: "StaffId",
                table: "Appeals",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Appeals_Staff_StaffId",
                table: "Appeals",
                column: "StaffId",
                principalTable: "Staff",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
