"""What only the notebooks need; no other package of ganlib imports it (the command line,
`python -m ganlib progress`, reads the facilitator's view from it).

    notebook         set-up, quick mode, parameter checks and run folders
    setup_check      notebook 00's table: is this machine ready?
    widgets          sliders and boards for JupyterLab, with a text stand-in elsewhere
    lesson01         notebook 01's game on a line
    lesson02         notebook 02's theory: the losses' gradients, D*, mode collapse
    playground       notebook 02's 2-D playground: the model
    playground_view  its picture, buttons and sliders
    lesson09         notebook 09's experiments: bumps apart, D's slope, the games on the ring
    upload           an upload button that saves a team's own images into a folder
    exercises/       the friendly checks of the exercises, one module per notebook
    progress         on a workshop hub, which exercises each participant has passed
"""
