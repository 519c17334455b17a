using DeskVision.Training;

namespace DeskVision.Tests.Training;

public sealed class SplitTests
{
    private static TrainingSet Office() => YoloDataset.Load(
        Path.Combine(TrainingData.Office, "images"), Path.Combine(TrainingData.Office, "labels-coco"), TrainingData.CocoNames, null);

    private static TrainingSet Desk() => YoloDataset.Load(
        Path.Combine(TrainingData.Desk, "images"), Path.Combine(TrainingData.Desk, "labels"), TrainingData.CocoNames, null);

    [Theory]
    [InlineData("172-19-19-150_05_20230221125824323_jpg.rf.2c67c9eeb3f991a1dde2a4626e622351.jpg", "172-19-19-150_05")]
    [InlineData("192-168-0-64_01_2022072014441986_jpg.rf.d68ed0b8a01b1099c5dab39c26fb3235.jpg", "192-168-0-64_01")]
    [InlineData("gate-cam_20240301_0900.jpg", "gate-cam")]
    [InlineData("frame_0005_jpg.rf.2a273c87c920878a9ef4bd266ba11b15.jpg", "")]
    [InlineData("1646654214-8990781_jpg.rf.696cc8765af88d7ede1761968351ebf5.jpg", "")]
    public void The_camera_is_read_from_the_file_name_when_it_names_one(string file, string camera) =>
        Assert.Equal(camera, TrainValSplit.CameraOf(file));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Office_hold_out_keeps_each_cameras_frames_on_one_side(int seed)
    {
        var (train, val) = TrainValSplit.HoldOut(Office().Images, 0.2, seed);

        Assert.Equal(26, train.Count + val.Count);
        Assert.InRange(val.Count, 3, 9);
        var trainCameras = train.Select(i => i.Group).Where(g => g.Length > 0).ToHashSet();
        Assert.DoesNotContain(val, v => trainCameras.Contains(v.Group));
        // Nor does any held-out frame look like a training frame (the thumbnail test that joins unnamed cameras).
        var trainThumbs = train.Select(i => TrainValSplit.Thumbnail(i.ImagePath)).ToList();
        foreach (var v in val)
        {
            var thumb = TrainValSplit.Thumbnail(v.ImagePath);
            Assert.All(trainThumbs, t => Assert.True(TrainValSplit.Similarity(t, thumb) < TrainValSplit.SameViewCorrelation,
                $"{Path.GetFileName(v.ImagePath)} looks like a training frame"));
        }
    }

    [Fact]
    public void Office_frames_group_into_its_cameras()
    {
        var groups = TrainValSplit.Groups(Office().Images);

        // 26 frames from about a dozen cameras (by eye: 13 views; two frames of one fisheye office differ in light).
        Assert.InRange(groups.Count, 10, 16);
        Assert.Single(groups, g => g.Any(i => i.Group == "192-168-0-64_01"));
        Assert.Equal(5, groups.Single(g => g.Any(i => i.Group == "192-168-0-64_01")).Count);
        // frame_0005 and frame_0011 name no camera but are one view.
        Assert.Single(groups, g => g.Count(i => Path.GetFileName(i.ImagePath).StartsWith("frame_")) == 2);
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_other_seeds_other_splits()
    {
        var images = Office().Images;
        string Held(int seed) => string.Join(",", TrainValSplit.HoldOut(images, 0.2, seed).Val.Select(i => i.ImagePath).Order());

        Assert.Equal(Held(7), Held(7));
        Assert.True(Enumerable.Range(1, 6).Select(Held).Distinct().Count() >= 3);
    }

    [Fact]
    public void Folds_cover_every_office_frame_once_without_splitting_a_camera()
    {
        var plan = TrainValSplit.Folds(Office().Images, 4, seed: 1);

        Assert.Equal(4, plan.Folds.Count);
        Assert.Equal(26, plan.Folds.Sum(f => f.Count));
        Assert.Equal(26, plan.Folds.SelectMany(f => f).Select(i => i.ImagePath).Distinct().Count());
        Assert.Contains("whole groups", plan.Method);
        foreach (var fold in plan.Folds)
        {
            var others = plan.TrainFor(fold).Select(i => i.Group).Where(g => g.Length > 0).ToHashSet();
            Assert.DoesNotContain(fold, i => others.Contains(i.Group));
        }
    }

    [Fact]
    public void One_camera_is_split_into_blocks_of_consecutive_frames_and_says_so()
    {
        var images = Desk().Images;
        var plan = TrainValSplit.Folds(images, 5, seed: 1);

        Assert.Equal(1, plan.Groups);
        Assert.Contains("one camera", plan.Method);
        Assert.Contains("consecutive frames", plan.Method);
        // The desk frames are numbered in time (3, 6, 7, 22, ...): each fold is one unbroken run of those numbers.
        var byTime = images.OrderBy(i => int.Parse(Path.GetFileName(i.ImagePath).Split('.', '_')[0])).Select(i => i.ImagePath).ToList();
        foreach (var fold in plan.Folds)
        {
            var positions = fold.Select(i => byTime.IndexOf(i.ImagePath)).Order().ToList();
            Assert.Equal(Enumerable.Range(positions[0], positions.Count), positions);
        }
        var (train, val) = TrainValSplit.HoldOut(images, 0.2, seed: 3);
        Assert.Equal(24, train.Count + val.Count);
        Assert.InRange(val.Count, 4, 6);
    }
}
