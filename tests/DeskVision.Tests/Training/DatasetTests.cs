using DeskVision.Training;

namespace DeskVision.Tests.Training;

public sealed class DatasetTests
{
    private static IReadOnlyList<string> Coco => TrainingData.CocoNames;

    [Fact]
    public void Office_labels_coco_ids_are_the_base_models_classes_as_they_are()
    {
        var set = YoloDataset.Load(Path.Combine(TrainingData.Office, "images"), Path.Combine(TrainingData.Office, "labels-coco"), Coco, null);

        Assert.Equal(26, set.Images.Count);
        Assert.Null(set.NamesFile); // labels-coco is a relabelling: office/classes.txt beside it names other ids
        Assert.Equal(Coco, set.ClassNames);
        Assert.Empty(set.NewClassNames);
        Assert.Equal(new[] { "cell phone", "chair", "keyboard", "laptop", "person", "tv" },
            set.LabelledClasses.Select(c => Coco[c]).Order());
        Assert.Contains(set.Images.SelectMany(i => i.Boxes), b => b.ClassId == 67);
    }

    [Fact]
    public void A_names_file_beside_the_labels_keeps_known_names_and_makes_the_others_new_classes()
    {
        // office/data.yaml: chair, keyboard, laptop, monitor, person, phone. "monitor" and "phone" are not COCO names
        // (COCO says "tv" and "cell phone"), and no alias is guessed.
        var set = YoloDataset.Load(Path.Combine(TrainingData.Office, "images"), Path.Combine(TrainingData.Office, "labels"), Coco, null);

        Assert.EndsWith("classes.txt", set.NamesFile);
        Assert.Equal(["monitor", "phone"], set.NewClassNames);
        Assert.Equal(82, set.ClassNames.Count);
        Assert.Equal(["monitor", "phone"], set.ClassNames.Skip(80));
        Assert.Equal(new[] { 0, 56, 63, 66, 80, 81 }, set.LabelledClasses.Order());
        var first = File.ReadLines(Path.Combine(TrainingData.Office, "labels", Path.GetFileNameWithoutExtension(set.Images[0].ImagePath) + ".txt")).First();
        int fileClass = int.Parse(first.Split(' ')[0]);
        Assert.Equal(new[] { 56, 66, 63, 80, 0, 81 }[fileClass], set.Images[0].Boxes[0].ClassId);
    }

    [Fact]
    public void A_new_class_from_a_names_file_comes_after_the_base_classes()
    {
        using var folder = new Fixtures.TestData.TempFolder();
        string labels = Directory.CreateDirectory(folder.File("phone-labels")).FullName;
        // Only the desk set's "phone" head boxes (class 2), renumbered 0.
        foreach (string file in Directory.GetFiles(Path.Combine(TrainingData.Desk, "labels")))
            File.WriteAllLines(Path.Combine(labels, Path.GetFileName(file)),
                File.ReadLines(file).Where(l => l.StartsWith("2 ")).Select(l => "0" + l[1..]));
        File.WriteAllText(folder.File("names.txt"), "phone-in-use\n");

        var set = YoloDataset.Load(Path.Combine(TrainingData.Desk, "images"), labels, Coco, folder.File("names.txt"));

        Assert.Equal(["phone-in-use"], set.NewClassNames);
        Assert.Equal("phone-in-use", set.ClassNames[80]);
        Assert.Equal(new[] { 80 }, set.LabelledClasses);
        Assert.Equal(14, set.Images.Sum(i => i.Boxes.Count));
        Assert.All(set.Images.SelectMany(i => i.Boxes), b => Assert.Equal(80, b.ClassId));
    }

    [Fact]
    public void A_data_yaml_with_an_id_map_names_the_classes()
    {
        using var set = TrainingData.OfficeCopy(2);
        File.WriteAllText(set.File("data.yaml"), "nc: 2\nnames:\n  0: person\n  1: pause-sign\n");
        foreach (string f in Directory.GetFiles(set.File("labels"))) File.WriteAllText(f, "1 0.5 0.5 0.2 0.2\n0 0.3 0.3 0.1 0.2\n");

        var loaded = YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null);

        Assert.EndsWith("data.yaml", loaded.NamesFile);
        Assert.Equal(["pause-sign"], loaded.NewClassNames);
        Assert.Equal(new[] { 0, 80 }, loaded.LabelledClasses.Order());
    }

    [Fact]
    public void An_image_without_a_label_file_has_no_objects()
    {
        using var set = TrainingData.OfficeCopy(3);
        string gone = Directory.GetFiles(set.File("labels")).Order(StringComparer.Ordinal).First();
        File.Delete(gone);

        var loaded = YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null);

        var unlabelled = loaded.Images.Single(i => Path.GetFileNameWithoutExtension(i.ImagePath) == Path.GetFileNameWithoutExtension(gone));
        Assert.Null(unlabelled.LabelPath);
        Assert.Empty(unlabelled.Boxes);
        Assert.Equal(3, loaded.Images.Count);
    }

    [Fact]
    public void A_label_line_with_four_numbers_is_refused_with_file_and_line()
    {
        using var set = TrainingData.OfficeCopy(3);
        string file = Directory.GetFiles(set.File("labels")).Order(StringComparer.Ordinal).Last();
        File.AppendAllText(file, "0 0.5 0.5 0.1\n");
        int line = File.ReadAllLines(file).Length;

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null));

        Assert.Equal(file, e.File);
        Assert.Equal(line, e.Line);
        Assert.Contains("4 fields; expected 5", e.Reason);
    }

    [Fact]
    public void A_class_id_outside_the_list_is_refused()
    {
        using var set = TrainingData.OfficeCopy(2);
        string file = Directory.GetFiles(set.File("labels")).Order(StringComparer.Ordinal).First();
        File.WriteAllText(file, "0 0.5 0.5 0.1 0.1\n80 0.5 0.5 0.1 0.1\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null));

        Assert.Equal((file, 2), (e.File, e.Line));
        Assert.Contains("class 80 is outside the base model's 80 classes", e.Reason);
    }

    [Fact]
    public void A_class_id_outside_the_names_file_is_refused()
    {
        using var set = TrainingData.OfficeCopy(2);
        File.WriteAllText(set.File("names.txt"), "person\nphone-in-use\n");
        string file = Directory.GetFiles(set.File("labels")).Order(StringComparer.Ordinal).First();
        File.WriteAllText(file, "2 0.5 0.5 0.1 0.1\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, set.File("names.txt")));

        Assert.Equal((file, 1), (e.File, e.Line));
        Assert.Contains("outside the 2 names", e.Reason);
    }

    [Theory]
    [InlineData("0 1.2 0.5 0.1 0.1")]
    [InlineData("0 0.5 0.5 1.5 0.1")]
    [InlineData("0 0.02 0.5 0.1 0.1")]
    [InlineData("0 -0.5 0.5 0.1 0.1")]
    public void A_box_outside_0_to_1_is_refused(string line)
    {
        using var set = TrainingData.OfficeCopy(2);
        string file = Directory.GetFiles(set.File("labels")).Order(StringComparer.Ordinal).First();
        File.WriteAllText(file, $"0 0.5 0.5 0.1 0.1\n{line}\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null));

        Assert.Equal((file, 2), (e.File, e.Line));
        Assert.Contains("box outside the image", e.Reason);
    }

    [Fact]
    public void A_truncated_image_is_refused()
    {
        using var set = TrainingData.OfficeCopy(3);
        string image = Directory.GetFiles(set.File("images")).Order(StringComparer.Ordinal).ElementAt(1);
        var bytes = File.ReadAllBytes(image);
        File.WriteAllBytes(image, bytes[..(bytes.Length * 2 / 3)]);

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null));

        Assert.Equal(image, e.File);
        Assert.Null(e.Line);
        Assert.Contains("truncated JPEG", e.Reason);
    }

    [Fact]
    public void A_corrupt_image_is_refused()
    {
        using var set = TrainingData.OfficeCopy(3);
        string image = Directory.GetFiles(set.File("images")).Order(StringComparer.Ordinal).ElementAt(2);
        File.WriteAllBytes(image, [.. "not a picture, just text that ends in a jpeg name"u8]);

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null));

        Assert.Equal(image, e.File);
        Assert.Contains("not a decodable image", e.Reason);
    }

    [Fact]
    public void An_empty_set_is_refused()
    {
        using var set = new Fixtures.TestData.TempFolder();
        Directory.CreateDirectory(set.File("images"));
        Directory.CreateDirectory(set.File("labels"));

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null));

        Assert.Equal(set.File("images"), e.File);
        Assert.Contains("the set is empty", e.Reason);
    }

    [Fact]
    public void A_set_whose_label_files_hold_no_box_is_refused()
    {
        using var set = TrainingData.OfficeCopy(2);
        foreach (string f in Directory.GetFiles(set.File("labels"))) File.WriteAllText(f, "\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, null));

        Assert.Contains("no boxes", e.Reason);
    }

    [Fact]
    public void A_names_file_with_a_duplicate_name_is_refused()
    {
        using var set = TrainingData.OfficeCopy(2);
        File.WriteAllText(set.File("names.txt"), "phone-in-use\nperson\nphone-in-use\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, set.File("names.txt")));

        Assert.Equal((set.File("names.txt"), 3), (e.File, e.Line));
        Assert.Contains("duplicate class name 'phone-in-use' (first on line 1)", e.Reason);
    }

    [Fact]
    public void A_data_yaml_without_names_is_refused()
    {
        using var set = TrainingData.OfficeCopy(2);
        File.WriteAllText(set.File("data.yaml"), "train: images\nnc: 2\n");

        var e = Assert.Throws<DatasetException>(() => YoloDataset.Load(set.File("images"), set.File("labels"), Coco, set.File("data.yaml")));

        Assert.Equal(set.File("data.yaml"), e.File);
        Assert.Contains("no 'names'", e.Reason);
    }
}
