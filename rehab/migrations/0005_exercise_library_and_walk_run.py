"""Seed the exercise library (ankle and Achilles) and the clinic's walk-run progression.

Both are the clinic's to edit in admin afterwards; the codes stay stable.
"""

from django.db import migrations

# (code, name, category, region, instructions)
EXERCISES = [
    # Mobility
    (
        "ankle_alphabet",
        "Ankle alphabet",
        "mobility",
        "ankle",
        "Sit with your leg out straight. Trace the letters A to Z in the air with your big toe, "
        "moving only the ankle.",
    ),
    (
        "ankle_circles",
        "Ankle circles",
        "mobility",
        "ankle",
        "Sit with your foot off the floor. Turn your foot slowly in big circles, ten one way, "
        "ten the other.",
    ),
    (
        "knee_to_wall",
        "Knee-to-wall lunge",
        "mobility",
        "ankle",
        "Stand facing a wall, foot a hand's width from it. Bend the knee to touch the wall "
        "without lifting the heel. Move the foot back a little as it gets easier.",
    ),
    (
        "calf_stretch_straight",
        "Calf stretch, knee straight",
        "mobility",
        "achilles",
        "Hands on a wall, the leg to stretch behind you with the knee straight and the heel down. "
        "Lean forward until you feel a stretch in the calf. Hold.",
    ),
    (
        "calf_stretch_bent",
        "Calf stretch, knee bent",
        "mobility",
        "achilles",
        "As the straight-knee stretch, but bend the back knee. You feel it lower, near the heel. "
        "Hold.",
    ),
    (
        "towel_dorsiflexion",
        "Towel pull",
        "mobility",
        "ankle",
        "Sit with your leg straight, a towel around the ball of the foot. Pull the towel gently "
        "to bring your toes towards you. Hold.",
    ),
    (
        "seated_inversion_eversion",
        "Foot turns in and out",
        "mobility",
        "ankle",
        "Sit with your heel on the floor. Turn the sole of your foot in, then out, slowly and "
        "without pain.",
    ),
    # Isometric calf loading
    (
        "isometric_heel_raise_double",
        "Heel-raise hold, both legs",
        "isometric",
        "achilles",
        "Stand holding a support. Rise halfway onto your toes on both feet and hold still. "
        "Mild discomfort is fine; sharp pain is not.",
    ),
    (
        "isometric_heel_raise_single",
        "Heel-raise hold, one leg",
        "isometric",
        "achilles",
        "Stand on the sore leg holding a support. Rise halfway onto your toes and hold still.",
    ),
    (
        "isometric_seated_calf",
        "Seated calf press",
        "isometric",
        "achilles",
        "Sit with a heavy bag or weights on your knee. Press the ball of the foot down to lift "
        "the heel slightly, and hold.",
    ),
    (
        "isometric_eversion",
        "Outward press against a wall",
        "isometric",
        "ankle",
        "Sit with the outside of your foot against a wall or table leg. Press outwards without "
        "moving the foot. Hold.",
    ),
    (
        "isometric_inversion",
        "Inward press against a wall",
        "isometric",
        "ankle",
        "Sit with the inside of your foot against a table leg. Press inwards without moving the "
        "foot. Hold.",
    ),
    # Eccentric and heavy slow calf loading
    (
        "eccentric_heel_drop_straight",
        "Heel drop off a step, knee straight",
        "eccentric",
        "achilles",
        "Stand on the edge of a step on the balls of your feet. Rise on both feet, then take the "
        "good foot off and lower slowly on the sore leg until the heel is below the step (three "
        "seconds down). Use both feet to come back up.",
    ),
    (
        "eccentric_heel_drop_bent",
        "Heel drop off a step, knee bent",
        "eccentric",
        "achilles",
        "As the straight-knee heel drop, with the knee slightly bent all the way down.",
    ),
    (
        "heel_raise_double",
        "Heel raises, both legs",
        "eccentric",
        "achilles",
        "Stand holding a support. Rise onto your toes on both feet, then lower slowly, three "
        "seconds up, three seconds down.",
    ),
    (
        "heel_raise_single",
        "Heel raises, one leg",
        "eccentric",
        "achilles",
        "Stand on the sore leg holding a support. Rise as high as you can, then lower slowly.",
    ),
    (
        "heel_raise_weighted",
        "Heel raises with a backpack",
        "eccentric",
        "achilles",
        "As one-leg heel raises, with weight in a backpack. Add weight when fifteen feel easy.",
    ),
    (
        "seated_heel_raise_weighted",
        "Seated heel raises with weight",
        "eccentric",
        "achilles",
        "Sit with weight on your knees, feet flat. Lift the heels slowly as high as you can and "
        "lower slowly.",
    ),
    (
        "band_plantarflexion",
        "Band push",
        "eccentric",
        "ankle",
        "Sit with a resistance band around the ball of the foot. Push the foot down against the "
        "band, then let it come back slowly.",
    ),
    (
        "band_eversion",
        "Band turns outward",
        "eccentric",
        "ankle",
        "Sit with a band around the foot, anchored to the inside. Turn the foot outward against "
        "the band, then return slowly.",
    ),
    (
        "band_inversion",
        "Band turns inward",
        "eccentric",
        "ankle",
        "Sit with a band around the foot, anchored to the outside. Turn the foot inward against "
        "the band, then return slowly.",
    ),
    # Balance and proprioception
    (
        "single_leg_stand",
        "One-leg stand",
        "balance",
        "ankle",
        "Stand on the sore leg near a support. Keep your balance without holding on. Hold.",
    ),
    (
        "single_leg_stand_eyes_closed",
        "One-leg stand, eyes closed",
        "balance",
        "ankle",
        "As the one-leg stand, with your eyes closed. Stay next to a support.",
    ),
    (
        "single_leg_stand_cushion",
        "One-leg stand on a cushion",
        "balance",
        "ankle",
        "Stand on the sore leg on a folded towel or cushion. Keep your balance. Hold.",
    ),
    (
        "single_leg_reach",
        "Star reach",
        "balance",
        "ankle",
        "Stand on the sore leg. Reach the other foot forward, to the side and behind, touching "
        "the floor lightly, and come back each time without losing balance.",
    ),
    (
        "single_leg_ball_catch",
        "One-leg ball throws",
        "balance",
        "ankle",
        "Stand on the sore leg and throw a ball against a wall and catch it, keeping your balance.",
    ),
    (
        "tandem_walk",
        "Heel-to-toe walk",
        "balance",
        "ankle",
        "Walk along a line placing the heel of one foot right in front of the toes of the other.",
    ),
    # Hop and plyometric progressions
    (
        "pogo_double",
        "Pogo hops, both legs",
        "plyometric",
        "achilles",
        "Hop gently on the spot on both feet, knees almost straight, bouncing off the balls of "
        "the feet.",
    ),
    (
        "pogo_single",
        "Pogo hops, one leg",
        "plyometric",
        "achilles",
        "As pogo hops, on the sore leg only.",
    ),
    (
        "hop_forward_back",
        "Forward-and-back hops",
        "plyometric",
        "ankle",
        "On one leg, hop forward over a line and back, landing softly.",
    ),
    (
        "hop_side_to_side",
        "Side-to-side hops",
        "plyometric",
        "ankle",
        "On one leg, hop sideways over a line and back, landing softly.",
    ),
    (
        "skipping",
        "Skipping",
        "plyometric",
        "achilles",
        "Skip with a rope, or without, on both feet, light and quick.",
    ),
    (
        "single_leg_hop_hold",
        "Hop and hold",
        "plyometric",
        "ankle",
        "Hop forward on the sore leg and hold the landing still for two seconds.",
    ),
    # Foot intrinsics
    (
        "towel_scrunch",
        "Towel scrunches",
        "foot_intrinsics",
        "foot",
        "Sit with your foot on a towel. Pull the towel towards you by curling your toes.",
    ),
    (
        "short_foot",
        "Short foot",
        "foot_intrinsics",
        "foot",
        "Sit or stand with the foot flat. Draw the ball of the foot towards the heel to lift the "
        "arch, without curling the toes. Hold.",
    ),
    (
        "toe_yoga",
        "Toe lifts",
        "foot_intrinsics",
        "foot",
        "Foot flat: lift the big toe while the others stay down, then the other toes while the big "
        "toe stays down.",
    ),
    (
        "marble_pickup",
        "Marble pick-up",
        "foot_intrinsics",
        "foot",
        "Pick up marbles or small objects with your toes and drop them in a cup.",
    ),
    (
        "toe_spread",
        "Toe spreads",
        "foot_intrinsics",
        "foot",
        "Spread your toes as wide as you can, hold, and relax.",
    ),
    (
        "tibialis_anterior_raise",
        "Toe raises against a wall",
        "foot_intrinsics",
        "lower_leg",
        "Lean your back against a wall, feet a step forward. Lift your toes and the front of the "
        "feet, then lower slowly.",
    ),
]

# The clinic's walk-run progression: (run minutes, walk minutes, repeats), 30 minutes a go.
STAGES = [
    (1, 4, 6),
    (2, 3, 6),
    (3, 2, 6),
    (4, 1, 6),
    (5, 1, 5),
    (9, 1, 3),
    (14, 1, 2),
    (30, 0, 1),
]


def seed(apps, schema_editor):
    Exercise = apps.get_model("rehab", "Exercise")
    Exercise.objects.bulk_create(
        Exercise(code=code, name=name, category=category, region=region, instructions=words)
        for code, name, category, region, words in EXERCISES
    )
    Template = apps.get_model("rehab", "WalkRunTemplate")
    Stage = apps.get_model("rehab", "WalkRunStage")
    template = Template.objects.create(
        name="Walk-run, 30 minutes",
        description="Eight stages from 1 minute running and 4 walking to 30 minutes running, "
        "every other day. Move on only when the pain rules allow.",
    )
    Stage.objects.bulk_create(
        Stage(template=template, number=number, run_minutes=run, walk_minutes=walk, repeats=n)
        for number, (run, walk, n) in enumerate(STAGES, start=1)
    )


def unseed(apps, schema_editor):
    apps.get_model("rehab", "WalkRunTemplate").objects.filter(name="Walk-run, 30 minutes").delete()
    codes = [row[0] for row in EXERCISES]
    apps.get_model("rehab", "Exercise").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("rehab", "0004_exercises_programmes_runs")]

    operations = [migrations.RunPython(seed, unseed)]
